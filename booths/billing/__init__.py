"""Money: payment set-up, bills, the payment ledger, proofs of transfer, documents, add-ons, refunds.

Importing the package registers its listeners on the booking events (a paid booking gets a bill, an
ended one voids it) and the payment instructions of the hold message, as tickets does for passes."""

from booths.billing import bills, notices  # noqa: F401  (registers listeners)
