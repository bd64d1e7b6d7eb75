"""Which expo a tickets thing named in a request path belongs to, for the per-expo role guards
(``expo.auth.requires``)."""

from sqlmodel import col

from expo.auth import register_expo_lookup
from expo.i18n import N_
from tickets.gate.models import Gate, GateDevice, Scan
from tickets.passes.models import ExpoPass


def register() -> None:
    for param, model, missing, code in (
        ("pass_id", ExpoPass, N_("No such pass."), "pass_not_found"),
        ("gate_id", Gate, N_("No such gate."), "gate_not_found"),
        ("device_id", GateDevice, N_("No such device."), "device_not_found"),
        ("scan_id", Scan, N_("No such scan."), "scan_not_found"),
    ):
        register_expo_lookup(param, col(model.expo_id), col(model.id), missing, code)
