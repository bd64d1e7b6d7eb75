"""What the scanner page and the gate dashboard say, as message ids of the translation catalogs. The
pages get them translated in a JSON data block (no text tables in JavaScript), keyed by the codes the
API answers: scan reasons, device refusals (what the staff should do), and the page's own words."""

from expo.i18n import N_, gettext

# Why a scan was refused (tickets/gate/checkin.py, docs/gate.md), and what an offline page may add.
REASONS = {
    "ok": "",
    "invalid": N_("Invalid code"),
    "invalid_signature": N_("Forged signature"),
    "wrong_expo": N_("Pass of another expo"),
    "wrong_direction": N_("Wrong direction for this gate"),
    "revoked": N_("Pass revoked"),
    "not_valid_today": N_("Not valid today"),
    "expo_over": N_("The expo is over"),
    "outside_hours": N_("Outside opening hours"),
    "kind_not_admitted": N_("This pass kind may not use this gate"),
    "already_inside": N_("Already inside"),
    "unverifiable": N_("Cannot be checked offline"),
}

# Refusals about the phone, not the pass: each says what to do.
DEVICE = {
    "device_revoked": N_("Phone revoked: pair it again with a new code from the organiser"),
    "device_unknown": N_("Phone not paired: pair it again with a code from the organiser"),
    "scan_time_invalid": N_("Phone clock is wrong: set the date and time to automatic"),
    "clock_skewed": N_("Phone clock is wrong: set the date and time to automatic"),
    "rejected": N_("The server refused this scan's data: reload the page"),
}

PAGE = {
    "pair_label": N_("Pairing code from the organiser"),
    "pair_button": N_("Pair this phone"),
    "pair_failed": N_("Unknown or expired code."),
    "entry": N_("ENTRY"),
    "exit": N_("EXIT"),
    "camera": N_("Scan with the camera"),
    "scan_label": N_("Scan or type the pass code"),
    "check": N_("Check"),
    "ok": N_("ADMIT"),
    "ok_exit": N_("EXIT"),
    "refused": N_("REFUSED"),
    "device": N_("PHONE PROBLEM"),
    "online": N_("online"),
    "offline": N_("offline"),
    "ready": N_("Offline data ready"),
    "local": N_("(checked offline)"),
}


def scanner_texts() -> dict[str, object]:
    """Every text of the scanner page, in the request's language."""
    return {
        **{key: gettext(text) for key, text in PAGE.items()},
        "reasons": {key: gettext(text) if text else "" for key, text in (REASONS | DEVICE).items()},
    }


def dashboard_texts() -> dict[str, object]:
    """The reason names the dashboard shows in its refusals table and latest scans."""
    return {
        "reasons": {key: gettext(text) if text else "" for key, text in REASONS.items()} | {"ok": gettext("admitted")},
        "clock_skewed": gettext("phone clock wrong"),
    }
