"""Drawing one hall of a booth map with reportlab: walls, marked aisles, features, booths (code,
cluster colour and pattern, the exhibitor's name fitted inside) and doors; shared drawing helpers."""

from dataclasses import dataclass, field

from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.pdfgen.canvas import Canvas

from booths.maps.draw.data import (
    STATUS_LABELS,
    MapBooth,
    MapCluster,
    MapData,
    MapFeature,
    MapHall,
    PrintOptions,
)
from booths.maps.draw.layout import (
    MIN_CODE_PT,
    MIN_NAME_PT,
    HallLayout,
    band_height,
    code_size,
    inner_pad,
)
from expo.fonts import FontNames, draw_text
from expo.i18n import N_, translate
from expo.pdf_text import LEADING, cut, fit, width


def tint(hex_colour: str, amount: float) -> Color:
    base = HexColor(hex_colour)
    return Color(1 - (1 - base.red) * amount, 1 - (1 - base.green) * amount, 1 - (1 - base.blue) * amount)


FEATURE_STYLES: dict[str, tuple[str, str, str]] = {
    # kind: (fill, text colour, symbol)
    "stage": ("#37474f", "#ffffff", "♪"),
    "musholla": ("#c8e6c9", "#1b5e20", "☪"),
    "toilet": ("#bbdefb", "#0d47a1", "WC"),
    "info": ("#fff59d", "#5d4037", "i"),
    "first_aid": ("#ffcdd2", "#c62828", "✚"),
    "registration": ("#ffe0b2", "#e65100", "✎"),
    "food_court": ("#ffccbc", "#bf360c", "☕"),
    "wall": ("#616161", "#ffffff", ""),
    "column": ("#212121", "#ffffff", ""),
    "entrance": ("#1565c0", "#0d47a1", ""),
    "exit": ("#2e7d32", "#1b5e20", ""),
    "aisle": ("#eceff1", "#546e7a", ""),
}
STATUS_FILL = {"available": "#ffffff", "held": "#fff3c4", "blocked": "#d6d6d6"}


@dataclass
class Doc:
    data: MapData
    options: PrintOptions
    fonts: FontNames
    canvas: Canvas
    clusters: dict[str, MapCluster]
    patterns: dict[str, str]
    total_pages: int = 0
    page_no: int = 0
    shortened: set[str] = field(default_factory=set)

    def t(self, message: str, **params: object) -> str:
        return translate(message, params or None, self.options.locale)


def text_at(doc: Doc, x: float, y: float, text: str, size: float, *, bold: bool = False, align: str = "l") -> None:
    draw_text(doc.canvas, x, y, text, doc.fonts.bold if bold else doc.fonts.regular, size, align)


def pattern(c: Canvas, kind: str, x: float, y: float, w: float, h: float, step: float) -> None:
    """Light lines over a colour band, so clusters still differ when printed in black and white."""
    if kind == "solid" or w <= 0 or h <= 0:
        return
    c.saveState()
    clip = c.beginPath()
    clip.rect(x, y, w, h)
    c.clipPath(clip, stroke=0, fill=0)
    c.setStrokeColor(white)
    c.setFillColor(white)
    c.setLineWidth(max(0.25, step * 0.22))
    lines = c.beginPath()
    if kind in {"diagonal", "cross"}:
        k = -h
        while k < w:
            lines.moveTo(x + k, y)
            lines.lineTo(x + k + h, y + h)
            k += step
    if kind in {"backdiagonal", "cross"}:
        k = 0.0
        while k < w + h:
            lines.moveTo(x + k, y)
            lines.lineTo(x + k - h, y + h)
            k += step
    if kind in {"horizontal", "grid"}:
        k = step / 2
        while k < h:
            lines.moveTo(x, y + k)
            lines.lineTo(x + w, y + k)
            k += step
    if kind in {"vertical", "grid"}:
        k = step / 2
        while k < w:
            lines.moveTo(x + k, y)
            lines.lineTo(x + k, y + h)
            k += step
    c.drawPath(lines, stroke=1, fill=0)
    if kind == "dots":
        dots = c.beginPath()
        r = step * 0.2
        yy = y + step / 2
        while yy < y + h:
            xx = x + step / 2
            while xx < x + w:
                dots.circle(xx, yy, r)
                xx += step
            yy += step
        c.drawPath(dots, stroke=0, fill=1)
    c.restoreState()


def _booth(doc: Doc, booth: MapBooth, layout: HallLayout) -> None:
    c, u, view = doc.canvas, layout.frame.unit, doc.options.view
    x, y, w, h = layout.rect(booth.x, booth.y, booth.w, booth.d)
    cluster = doc.clusters.get(booth.cluster or "")
    if booth.status == "confirmed" and cluster is not None:
        c.setFillColor(tint(cluster.color, 0.22))
    else:
        c.setFillColor(HexColor(STATUS_FILL.get(booth.status, "#ffffff") if view == "organiser" else "#ffffff"))
    c.setStrokeColor(black)
    c.setLineWidth(0.5 * u if booth.status != "held" else 0.9 * u)
    if view == "organiser" and booth.status == "held":
        c.setDash(2.2 * u, 1.4 * u)
    c.rect(x, y, w, h, stroke=1, fill=1)
    c.setDash()
    band = band_height(h, layout.scale) if cluster is not None else 0.0
    if cluster is not None:
        c.setFillColor(HexColor(cluster.color))
        c.rect(x, y + h - band, w, band, stroke=0, fill=1)
        pattern(c, doc.patterns.get(cluster.code, "solid"), x, y + h - band, w, band, max(1.2, band * 0.45))
    if view == "organiser" and booth.status == "blocked":
        c.setStrokeColor(HexColor("#616161"))
        c.setLineWidth(0.5 * u)
        c.line(x, y, x + w, y + h - band)
        c.line(x, y + h - band, x + w, y)
    _booth_text(doc, booth, layout, (x, y, w, h - band))


def _booth_text(doc: Doc, booth: MapBooth, layout: HallLayout, box: tuple[float, float, float, float]) -> None:
    c, fonts, view = doc.canvas, doc.fonts, doc.options.view
    x, y, w, h = box
    pad = inner_pad(w, h)
    size = code_size(booth, layout.scale, layout.frame.unit, fonts.bold)
    size = max(size, MIN_CODE_PT)
    top = y + h - pad
    c.setFillColor(black)
    draw_text(c, x + w / 2, top - size * 0.85, booth.code, fonts.bold, size, "c")
    remaining = h - 2 * pad - size * LEADING
    extra = ""
    if view == "organiser":
        status = doc.t(STATUS_LABELS.get(booth.status, booth.status))
        extra = status + (f" · {rupiah(booth.price)}" if booth.price is not None else "")
    elif view == "handbook" and booth.package:
        extra = booth.package
    small = max(MIN_NAME_PT, min(size * 0.7, 6 * layout.frame.unit))
    if view == "organiser" and width(extra, fonts.regular, small) > w - 2 * pad:
        extra = extra.split(" · ")[0]  # the status alone when the price does not fit too
    if extra and remaining >= small * LEADING:
        c.setFillColor(HexColor("#424242"))
        shown_extra = cut(extra, fonts.regular, small, w - 2 * pad)
        draw_text(c, x + w / 2, y + pad + small * 0.25, shown_extra, fonts.regular, small, "c")
        remaining -= small * LEADING
    label = booth.label
    if label and remaining >= MIN_NAME_PT * LEADING:
        fitted = fit(
            label,
            fonts.regular,
            max_size=max(MIN_NAME_PT, size * 0.82),
            min_size=MIN_NAME_PT,
            box_w=w - 2 * pad,
            box_h=remaining,
        )
        if fitted is None:
            doc.shortened.add(label)
            return
        if fitted.shortened:
            doc.shortened.add(label)
        c.setFillColor(HexColor("#212121"))
        block_top = top - size * LEADING - max(0.0, (remaining - fitted.height) / 2)
        for i, line in enumerate(fitted.lines):
            line_y = block_top - fitted.size * (0.85 + i * LEADING)
            draw_text(c, x + w / 2, line_y, line, fonts.regular, fitted.size, "c")
    elif label:
        doc.shortened.add(label)


def rupiah(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def _feature(doc: Doc, feature: MapFeature, layout: HallLayout) -> None:
    c, u = doc.canvas, layout.frame.unit
    fill, ink, symbol = FEATURE_STYLES.get(feature.kind, ("#eeeeee", "#212121", ""))
    x, y, w, h = layout.rect(feature.x, feature.y, feature.w, feature.d)
    c.setFillColor(HexColor(fill))
    c.setStrokeColor(HexColor("#424242"))
    c.setLineWidth(0.4 * u)
    c.rect(x, y, w, h, stroke=1, fill=1)
    if feature.kind in {"column", "wall"}:
        return
    pad = inner_pad(w, h)
    c.setFillColor(HexColor(ink))
    sym_size = min(w * 0.5, h * 0.45, 14 * u)
    label_room = h - 2 * pad
    if symbol and sym_size >= MIN_NAME_PT:
        draw_text(c, x + w / 2, y + h - pad - sym_size * 0.9, symbol, doc.fonts.bold, sym_size, "c")
        label_room -= sym_size * LEADING
    label = feature.label or doc.t(kind_name(feature.kind))
    fitted = fit(label, doc.fonts.bold, max_size=8 * u, min_size=MIN_NAME_PT, box_w=w - 2 * pad, box_h=label_room)
    if fitted is None:
        return
    base = y + pad + (label_room - fitted.height) / 2 + fitted.height - fitted.size * 0.85
    for i, line in enumerate(fitted.lines):
        draw_text(c, x + w / 2, base - i * fitted.size * LEADING, line, doc.fonts.bold, fitted.size, "c")


def _aisle(doc: Doc, feature: MapFeature, layout: HallLayout) -> None:
    c, u = doc.canvas, layout.frame.unit
    x, y, w, h = layout.rect(feature.x, feature.y, feature.w, feature.d)
    c.setFillColor(HexColor("#f1f4f6"))
    c.setStrokeColor(HexColor("#90a4ae"))
    c.setLineWidth(0.4 * u)
    c.setDash(3 * u, 2 * u)
    c.rect(x, y, w, h, stroke=1, fill=1)
    c.setDash()
    if not feature.label:
        return
    size = max(MIN_NAME_PT, min(7 * u, min(w, h) * 0.45))
    c.setFillColor(HexColor("#546e7a"))
    c.saveState()
    c.translate(x + w / 2, y + h / 2)
    if h > w:
        c.rotate(90)
    draw_text(c, 0, -size * 0.35, feature.label, doc.fonts.regular, size, "c")
    c.restoreState()


def _door(doc: Doc, feature: MapFeature, hall: MapHall, layout: HallLayout) -> None:
    """A door: a coloured bar through the wall and an arrow (in for entrances, out for exits)."""
    c, u = doc.canvas, layout.frame.unit
    fill, ink, _ = FEATURE_STYLES[feature.kind]
    x, y, w, h = layout.rect(feature.x, feature.y, feature.w, feature.d)
    thick = 3.2 * u
    side = _wall_side(feature, hall)
    if side in {"top", "bottom"}:
        bar = (x, (y + h if side == "top" else y) - thick / 2, w, thick)
    elif side in {"left", "right"}:
        bar = ((x if side == "left" else x + w) - thick / 2, y, thick, h)
    else:
        bar = (x, y, w, h)
    c.setFillColor(HexColor(fill))
    c.setStrokeColor(white)
    c.setLineWidth(0.6 * u)
    c.rect(*bar, stroke=1, fill=1)
    # Side-wall labels are turned to read upwards, so their arrows are turned with them.
    inward = {"top": "↓", "bottom": "↑", "left": "↓", "right": "↑"}.get(side, "")
    outward = {"top": "↑", "bottom": "↓", "left": "↑", "right": "↓"}.get(side, "")
    arrow = inward if feature.kind == "entrance" else outward
    label = feature.label or doc.t(kind_name(feature.kind))
    size = max(MIN_NAME_PT, min(7 * u, layout.scale * 0.6))
    text = f"{arrow} {label}".strip()
    c.setFillColor(HexColor(ink))
    bold = doc.fonts.bold
    cx = x + w / 2
    if side == "top":
        draw_text(c, cx, bar[1] - size * 1.1, text, bold, size, "c")
    elif side == "bottom":
        draw_text(c, cx, bar[1] + thick + size * 0.4, text, bold, size, "c")
    elif side in {"left", "right"}:  # along the wall, reading upwards, just inside it
        c.saveState()
        inner = bar[0] + thick + size * 1.2 if side == "left" else bar[0] - size * 0.25
        c.translate(inner, y + h / 2)
        c.rotate(90)
        draw_text(c, 0, 0, text, bold, size, "c")
        c.restoreState()
    else:
        draw_text(c, cx, y + h / 2 - size * 0.35, text, bold, size, "c")


def _wall_side(feature: MapFeature, hall: MapHall) -> str:
    snap = 0.5
    if feature.y <= snap:
        return "top"
    if feature.y + feature.d >= hall.depth - snap:
        return "bottom"
    if feature.x <= snap:
        return "left"
    if feature.x + feature.w >= hall.width - snap:
        return "right"
    return "free"


def kind_name(kind: str) -> str:
    names = {
        "entrance": N_("Entrance"),
        "exit": N_("Exit"),
        "stage": N_("Stage"),
        "musholla": N_("Musholla (prayer room)"),
        "toilet": N_("Toilets"),
        "info": N_("Information"),
        "first_aid": N_("First aid"),
        "registration": N_("Registration"),
        "food_court": N_("Food court"),
        "column": N_("Column"),
        "wall": N_("Wall"),
        "aisle": N_("Aisle"),
    }
    return names.get(kind, kind)


def swatch(doc: Doc, cluster: MapCluster, x: float, y: float, size: float) -> None:
    c = doc.canvas
    c.setFillColor(tint(cluster.color, 0.22))
    c.setStrokeColor(black)
    c.setLineWidth(0.4)
    c.rect(x, y, size * 1.4, size, stroke=1, fill=1)
    band = size * 0.45
    c.setFillColor(HexColor(cluster.color))
    c.rect(x, y + size - band, size * 1.4, band, stroke=0, fill=1)
    pattern(c, doc.patterns.get(cluster.code, "solid"), x, y + size - band, size * 1.4, band, max(1.2, band * 0.45))


def draw_hall(doc: Doc, hall: MapHall, layout: HallLayout) -> None:
    """The walls, marked aisles, features, booths and doors, in that order (doors on top)."""
    c, u = doc.canvas, layout.frame.unit
    x, y, w, h = layout.rect(0, 0, hall.width, hall.depth)
    c.setFillColor(white)
    c.setStrokeColor(black)
    c.setLineWidth(1.6 * u)
    if hall.outdoor:
        c.setDash(6 * u, 3 * u)
    c.rect(x, y, w, h, stroke=1, fill=1)
    c.setDash()
    for feature in hall.features:
        if feature.kind == "aisle":
            _aisle(doc, feature, layout)
    for feature in hall.features:
        if feature.kind not in {"aisle", "entrance", "exit"}:
            _feature(doc, feature, layout)
    for booth in hall.booths:
        _booth(doc, booth, layout)
    for feature in hall.features:
        if feature.kind in {"entrance", "exit"}:
            _door(doc, feature, hall, layout)
