"""Optional online payment through a payment gateway's hosted checkout (off by default).

``provider.py`` is what any gateway must do (start a checkout, verify a signed notice); ``midtrans.py``
is the one implemented (Midtrans Snap); ``service.py`` holds the rules (when the exhibitor may pay
online, what a notice does to the bill: a settlement goes into the ledger once, a replay changes
nothing, an amount that does not match is refused and flagged); ``pages.py`` the exhibitor's "pay
online" button and ``api.py`` the webhook the gateway calls."""
