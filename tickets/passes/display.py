"""How pass pages show a pass: its QR code as inline SVG and its days in words. Templates reach these
as ``qr_svg(...)`` and ``day_label(...)``: ``expo/app.py`` installs ``TEMPLATE_GLOBALS`` once."""

from datetime import date
from typing import Any

from expo import qr
from expo.formatting import format_date


def qr_svg(token: str) -> dict[str, Any]:
    """What a template needs to draw the QR code as inline SVG (no script, no image request)."""
    size = qr.size() + 2 * qr.QUIET_ZONE
    return {"viewbox": f"-{qr.QUIET_ZONE} -{qr.QUIET_ZONE} {size} {size}", "path": qr.svg_path(qr.matrix_bits(token))}


def day_label(day: date) -> str:
    return format_date(day, fmt="EEEE, d MMMM y")


TEMPLATE_GLOBALS: dict[str, Any] = {"day_label": day_label, "qr_svg": qr_svg}
