"""Words shown for the booths domain's stored codes (status, booth type, class, payment method), and the
notices pages show after an action. Templates reach the labels as ``label.status(...)`` and money as
``rupiah(...)``: ``expo/app.py`` installs ``TEMPLATE_GLOBALS`` in the Jinja environment once."""

from typing import Any

from babel.numbers import format_decimal

from expo.formatting import format_rupiah
from expo.i18n import current_locale, gettext


# Message ids stay literal so that extraction finds them.
def status_label(status: str) -> str:
    labels = {
        "available": gettext("Available"),
        "held": gettext("Held"),
        "confirmed": gettext("Confirmed"),
        "blocked": gettext("Blocked"),
        "cancelled": gettext("Cancelled"),
        "expired": gettext("Expired"),
    }
    return labels.get(str(status), str(status))


def booth_type_label(booth_type: str) -> str:
    labels = {
        "inline": gettext("Inline"),
        "corner": gettext("Corner"),
        "island": gettext("Island"),
        "tent": gettext("Tent"),
    }
    return labels.get(str(booth_type), str(booth_type))


def class_label(exhibitor_class: str) -> str:
    labels = {
        "pesantren": gettext("Pesantren"),
        "koperasi": gettext("Cooperative (Koppontren)"),
        "umkm": gettext("UMKM"),
        "sponsor": gettext("Sponsor"),
        "government": gettext("Government agency"),
    }
    return labels.get(str(exhibitor_class), str(exhibitor_class))


def payment_method_label(method: str | None) -> str:
    labels = {
        "transfer": gettext("Bank transfer"),
        "cash": gettext("Cash"),
        "qris": gettext("QRIS"),
        "waived": gettext("Waived"),
        "online": gettext("Online payment"),
        "other": gettext("Other"),
    }
    return labels.get(method or "", method or "")


def bill_state_label(state: str) -> str:
    labels = {
        "unpaid": gettext("Unpaid"),
        "partly_paid": gettext("Partly paid"),
        "paid": gettext("Paid"),
        "overdue": gettext("Overdue"),
        "void": gettext("Void"),
    }
    return labels.get(str(state), str(state))


def bill_line_label(kind: str) -> str:
    labels = {
        "booth": gettext("Booth rental"),
        "addon": gettext("Add-on"),
        "discount": gettext("Discount"),
        "unique_code": gettext("Unique code (tells your transfer apart)"),
        "move": gettext("Difference for a dearer booth"),
        "cancelled": gettext("Cancelled"),
    }
    return labels.get(str(kind), str(kind))


def payment_source_label(source: str) -> str:
    labels = {
        "desk": gettext("Recorded by the treasurer"),
        "proof": gettext("Proof of transfer accepted"),
        "statement": gettext("Matched on the bank statement"),
        "online": gettext("Online payment"),
        "reversal": gettext("Reversal"),
    }
    return labels.get(str(source), str(source))


def down_payment_label(kind: str) -> str:
    labels = {
        "none": gettext("No down payment: the whole amount secures the booth"),
        "percent": gettext("A percentage of the price"),
        "amount": gettext("A fixed amount"),
    }
    return labels.get(str(kind), str(kind))


def proof_status_label(status: str) -> str:
    labels = {
        "pending": gettext("Waiting for the treasurer"),
        "accepted": gettext("Accepted"),
        "rejected": gettext("Refused"),
        "resubmit": gettext("New proof needed"),
    }
    return labels.get(str(status), str(status))


def document_kind_label(kind: str) -> str:
    labels = {
        "nib": gettext("NIB printout (OSS)"),
        "institution_letter": gettext("Pesantren or Koppontren letter"),
        "halal": gettext("Halal certificate"),
        "pirt": gettext("P-IRT registration"),
        "bpom": gettext("BPOM registration"),
        "product_photo": gettext("Product photo"),
    }
    return labels.get(str(kind), str(kind))


def document_status_label(status: str) -> str:
    labels = {
        "submitted": gettext("Waiting for the desk"),
        "approved": gettext("Verified"),
        "rejected": gettext("Rejected"),
        "resubmit": gettext("Please send again"),
        "replaced": gettext("Replaced by a newer one"),
        "expired": gettext("Expired"),
    }
    return labels.get(str(status), str(status))


def badge_label(badge: str) -> str:
    """What a profile says was verified (only from an approved, unexpired document)."""
    labels = {
        "nib_verified": gettext("NIB verified"),
        "institution_verified": gettext("Institution verified"),
        "halal": gettext("Halal"),
        "pirt": gettext("P-IRT"),
        "bpom": gettext("BPOM"),
    }
    return labels.get(str(badge), str(badge))


def application_status_label(status: str) -> str:
    labels = {
        "submitted": gettext("Submitted"),
        "accepted": gettext("Accepted"),
        "declined": gettext("Declined"),
        "withdrawn": gettext("Withdrawn"),
        "placed": gettext("Placed"),
        "waitlisted": gettext("On the waiting list"),
    }
    return labels.get(str(status), str(status))


def committee_role_label(role: str) -> str:
    labels = {
        "organiser": gettext("Organiser (full access)"),
        "treasurer": gettext("Treasurer"),
        "registration": gettext("Registration desk"),
        "gate_lead": gettext("Gate lead"),
        "gate_staff": gettext("Gate staff"),
    }
    return labels.get(str(role), str(role))


def committee_role_hint(role: str) -> str:
    """What a role may do, in one line, for the committee page."""
    hints = {
        "organiser": gettext("Everything, including the committee."),
        "treasurer": gettext("Bookings, payments and reports."),
        "registration": gettext("Exhibitor records, passes and messages."),
        "gate_lead": gettext("Gates, phones, gate staff and passes."),
        "gate_staff": gettext("Scanning passes at a gate."),
    }
    return hints.get(str(role), "")


def audit_action_label(action: str) -> str:
    """The change-log's words for an audit action code (``expo.audit.record``)."""
    labels = {
        "expo.created": gettext("Expo created"),
        "committee.added": gettext("Added to the committee"),
        "committee.invited": gettext("Invited to the committee"),
        "committee.invitation_cancelled": gettext("Invitation cancelled"),
        "committee.joined": gettext("Joined the committee"),
        "committee.role_changed": gettext("Committee role changed"),
        "committee.removed": gettext("Removed from the committee"),
        "payment.recorded": gettext("Payment recorded"),
        "payment.reversed": gettext("Payment reversed"),
        "bill.void": gettext("Bill void"),
        "bill.difference_added": gettext("Price difference added to the bill"),
        "payments.setup": gettext("Payment set-up changed"),
        "payments.account_added": gettext("Bank account added"),
        "payments.account_removed": gettext("Bank account removed"),
        "payments.qris_set": gettext("QRIS code uploaded"),
        "payments.qris_removed": gettext("QRIS code removed"),
        "payments.signature_set": gettext("Treasurer's signature uploaded"),
        "payments.signature_removed": gettext("Treasurer's signature removed"),
        "addon.created": gettext("Add-on added to the price list"),
        "addon.updated": gettext("Add-on changed"),
        "addon.ordered": gettext("Add-on ordered"),
        "addon.cancelled": gettext("Add-on cancelled"),
        "refund.paid": gettext("Refund paid out"),
        "payment.refund_rule_saved": gettext("Refund rule changed"),
        "proof.rejected": gettext("Proof of transfer rejected"),
        "proof.resubmit": gettext("New proof of transfer asked for"),
        "document.approved": gettext("Document approved"),
        "document.rejected": gettext("Document rejected"),
        "document.resubmit": gettext("Document asked for again"),
        "exhibitor.approved_by_documents": gettext("Class approved: its documents are verified"),
    }
    return labels.get(action) or gettext("Change")


def audit_field_label(field: str) -> str:
    labels = {
        "role": gettext("Role"),
        "name": gettext("Name"),
        "slug": gettext("Short address"),
        "price": gettext("Price"),
        "status": gettext("Status"),
    }
    return labels.get(field, field.replace("_", " "))


def audit_value(field: str, value: Any) -> str:
    if field == "role":
        return committee_role_label(str(value))
    if field == "status":
        return status_label(str(value))
    return "" if value is None else str(value)


def run_status_label(status: str) -> str:
    labels = {
        "draft": gettext("Proposal, not booked yet"),
        "committed": gettext("Booked"),
        "superseded": gettext("Replaced by a later proposal"),
    }
    return labels.get(str(status), str(status))


def offer_status_label(status: str) -> str:
    labels = {
        "offered": gettext("Offered"),
        "accepted": gettext("Accepted"),
        "declined": gettext("Declined"),
        "lapsed": gettext("Not answered in time"),
        "withdrawn": gettext("Withdrawn"),
    }
    return labels.get(str(status), str(status))


def goal_label(goal: str) -> str:
    """The allocation's goals (its weights and the points won per goal)."""
    labels = {
        "preference": gettext("Exhibitors' own choices"),
        "position": gettext("Good positions"),
        "cluster_zone": gettext("Products in their area"),
        "cluster_adjacent": gettext("Same products side by side"),
        "competitor": gettext("Competitors apart"),
        "near": gettext("Wished neighbours"),
        "fairness": gettext("Fairness between groups"),
        "priority_boost": gettext("Head start for earlier places in the queue"),
    }
    return labels.get(str(goal), str(goal))


def priority_tier_label(tier: str) -> str:
    labels = {"reserved": gettext("Reserved place"), "open": gettext("Open")}
    return labels.get(str(tier), str(tier))


def notice_text(code: str) -> str | None:
    """The notice a booking or booth page shows after a successful action (``?msg=code``)."""
    notices = {
        "held": gettext("The booth is held for you. Pay before the hold runs out."),
        "confirmed_free": gettext("Your free booth is confirmed."),
        "held_for_approval": gettext(
            "The booth is held for you. The organisers check your exhibitor class first; "
            "once they approve it the stand is confirmed. The hold runs out like any other."
        ),
        "approved": gettext("The exhibitor is approved."),
        "rejected": gettext("The exhibitor's class is rejected; its stands cost the regular price."),
        "cancelled": gettext("The booking is cancelled."),
        "confirmed": gettext("The booking is confirmed."),
        "moved": gettext("The booking is moved."),
        "assigned": gettext("The booth is assigned."),
        "blocked": gettext("The booth is blocked."),
        "unblocked": gettext("The booth is open for booking again."),
        "paid_online": gettext(
            "If you paid online, the payment shows here as soon as the payment service confirms it."
        ),
    }
    return notices.get(code)


def expo_state_label(state: str) -> str:
    labels = {
        "draft": gettext("Not public yet"),
        "open": gettext("Open for booking"),
        "closed": gettext("Booking closed"),
        "running": gettext("Taking place now"),
        "over": gettext("Over"),
    }
    return labels.get(str(state), str(state))


def expo_notice(code: str) -> str | None:
    """The notice the expo settings page shows after an action (``?msg=code``)."""
    notices = {
        "expo_created": gettext(
            "The expo is made. Only the committee sees it until you publish it: check the days and hours, "
            "lay out the halls and booths, then publish it."
        ),
        "expo_copied": gettext(
            "The copy is made with the halls, booths, packages, prices and gates; it has no exhibitors or "
            "bookings. Only the committee sees it until you publish it."
        ),
        "expo_saved": gettext("The settings are saved."),
        "publish": gettext("The expo is public now."),
        "unpublish": gettext("The expo is hidden from the public."),
        "open_booking": gettext("Booking is open: exhibitors can book booths."),
        "close_booking": gettext("Booking is closed: exhibitors cannot book booths now."),
    }
    return notices.get(code)


def number(value: float) -> str:
    return format_decimal(value, format="#,##0.##", locale=current_locale.get())


LABELS = {
    "status": status_label,
    "booth_type": booth_type_label,
    "exhibitor_class": class_label,
    "payment_method": payment_method_label,
    "bill_state": bill_state_label,
    "bill_line": bill_line_label,
    "proof_status": proof_status_label,
    "document_kind": document_kind_label,
    "document_status": document_status_label,
    "badge": badge_label,
    "payment_source": payment_source_label,
    "down_payment": down_payment_label,
    "committee_role": committee_role_label,
    "committee_role_hint": committee_role_hint,
    "expo_state": expo_state_label,
    "run_status": run_status_label,
    "offer_status": offer_status_label,
    "goal": goal_label,
    "priority_tier": priority_tier_label,
}

TEMPLATE_GLOBALS: dict[str, Any] = {
    "label": LABELS,
    "rupiah": format_rupiah,
    "audit_action": audit_action_label,
    "audit_field": audit_field_label,
    "audit_value": audit_value,
}
