"""Words for the money codes the add-on, refund and revenue pages show (stored codes never reach a page)."""

from booths.billing.models import AddOnKind
from booths.labels import bill_state_label  # one wording of a bill's state, for every page
from expo.i18n import gettext


def addon_kind_label(kind: str) -> str:
    labels = {
        AddOnKind.POWER.value: gettext("Extra power"),
        AddOnKind.TABLE.value: gettext("Extra table"),
        AddOnKind.CHAIR.value: gettext("Extra chair"),
        AddOnKind.STAFF_PASS.value: gettext("Extra staff pass"),
        AddOnKind.FASCIA.value: gettext("Fascia name board"),
        AddOnKind.OTHER.value: gettext("Other"),
    }
    return labels.get(str(kind), str(kind))


def refund_status_label(status: str) -> str:
    labels = {"to_pay": gettext("To pay"), "paid": gettext("Paid out")}
    return labels.get(str(status), str(status))


def refund_reason_label(reason: str) -> str:
    labels = {"cancelled": gettext("Booking cancelled"), "expired": gettext("Hold ran out")}
    return labels.get(str(reason), str(reason))


WORDS = {
    "bill_state": bill_state_label,
    "addon_kind": addon_kind_label,
    "refund_status": refund_status_label,
    "refund_reason": refund_reason_label,
}
"""Given to the money templates as ``words``."""
