"""Drawing booth-map pages with reportlab: a hall's page (title block with the QR code, the hall,
legend, scale bar, footer) and the index pages laid out by ``mapdraw_index``."""

from collections import Counter
from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.units import mm

from booths.maps.draw.data import (
    STATUS_LABELS,
    STATUSES,
    MapHall,
)
from booths.maps.draw.hall import (
    FEATURE_STYLES,
    STATUS_FILL,
    Doc,
    draw_hall,
    kind_name,
    rupiah,
    swatch,
    text_at,
    tint,
)
from booths.maps.draw.index import IndexPage
from booths.maps.draw.layout import (
    Frame,
    HallLayout,
    num,
)
from expo.fonts import draw_text
from expo.i18n import N_
from expo.pdf_text import width
from expo.qr_draw import draw_qr

__all__ = ["Doc", "draw_index_page", "map_page", "new_page", "rupiah"]


def new_page(doc: Doc, frame: Frame) -> None:
    if doc.page_no:
        doc.canvas.showPage()
    doc.page_no += 1
    doc.canvas.setPageSize((frame.width, frame.height))


def map_page(doc: Doc, hall: MapHall, layout: HallLayout) -> None:
    frame = layout.frame
    new_page(doc, frame)
    _title_block(doc, hall, layout)
    draw_hall(doc, hall, layout)
    _legend(doc, hall, layout)
    footer(doc, frame)


def _title_block(doc: Doc, hall: MapHall, layout: HallLayout) -> None:
    c, frame, data = doc.canvas, layout.frame, doc.data
    u, m = frame.unit, frame.margin
    top = frame.height - m
    qr_size = frame.height - m - frame.title_bottom
    draw_qr(c, data.live_url, frame.width - m - qr_size, frame.title_bottom, qr_size)
    c.setFillColor(black)
    text_at(doc, m, top - 12 * u, data.expo_name, 13 * u, bold=True)
    text_at(doc, m, top - 22 * u, f"{data.dates} · {data.venue}, {data.city}", 7.5 * u)
    view_title = {
        "public": N_("Booth map"),
        "organiser": N_("Organiser map: not for distribution"),
        "handbook": N_("Exhibitor handbook: booth map"),
    }[doc.options.view]
    text_at(
        doc,
        m,
        top - 35 * u,
        f"{doc.t(view_title)} · {hall.name} ({num(hall.width)} × {num(hall.depth)} m)",
        9.5 * u,
        bold=True,
    )
    scale_text = (
        f"1:{round(layout.ratio)}"
        if doc.options.scale != "fit"
        else doc.t(N_("fitted, about 1:%(n)s"), n=_round_ratio(layout.ratio))
    )
    right = frame.width - m - qr_size - 4 * mm * u
    lines = [
        doc.t(N_("Printed at %(when)s"), when=data.printed_at),
        doc.t(N_("Map version %(version)s"), version=data.version),
        f"{layout.paper.upper()} · {doc.t(layout.orientation.capitalize())} · {scale_text}",
        doc.t(N_("Scan for the live map")) + " →",
    ]
    for i, line in enumerate(lines):
        text_at(doc, right, top - (9 + i * 9) * u, line, 7 * u, align="r")
    c.setStrokeColor(black)
    c.setLineWidth(0.6 * u)
    c.line(m, frame.title_bottom - 1.5 * mm * u, frame.width - m, frame.title_bottom - 1.5 * mm * u)


def _round_ratio(ratio: float) -> int:
    step = 10 if ratio < 1000 else 50
    return int(round(ratio / step) * step) or round(ratio)


@dataclass
class _LegendFlow:
    """Legend entries placed left to right, wrapping before the scale bar's corner."""

    doc: Doc
    size: float
    left: float
    limit: float
    x: float
    y: float

    def place(self, text: str) -> tuple[float, float]:
        """Reserve room for one entry; returns where its swatch goes and writes its text."""
        w = self.size * 2.6 + width(text, self.doc.fonts.regular, self.size)
        if self.x + w > self.limit and self.x > self.left:
            self.x, self.y = self.left, self.y - self.size * 2.0
        at = (self.x, self.y - self.size * 0.15)
        self.doc.canvas.setFillColor(black)
        text_at(self.doc, self.x + self.size * 2.0, self.y, text, self.size)
        self.x += w
        return at


def _status_swatch(doc: Doc, status: str, at: tuple[float, float], size: float, confirmed: Color) -> None:
    c, u = doc.canvas, size / 7
    x, y = at
    c.setFillColor(confirmed if status == "confirmed" else HexColor(STATUS_FILL.get(status, "#ffffff")))
    c.setStrokeColor(black)
    c.setLineWidth(0.6 * u if status == "held" else 0.4)
    if status == "held":
        c.setDash(2.2 * u, 1.4 * u)
    c.rect(x, y, size * 1.4, size, stroke=1, fill=1)
    c.setDash()
    if status == "blocked":
        c.line(x, y, x + size * 1.4, y + size)
        c.line(x, y + size, x + size * 1.4, y)


def _feature_swatch(doc: Doc, kind: str, at: tuple[float, float], size: float) -> None:
    c, u = doc.canvas, size / 7
    x, y = at
    fill, ink, symbol = FEATURE_STYLES.get(kind, ("#eeeeee", "#212121", ""))
    c.setFillColor(HexColor(fill))
    c.setStrokeColor(HexColor("#424242"))
    c.setLineWidth(0.4)
    if kind == "aisle":
        c.setDash(2 * u, 1.5 * u)
    c.rect(x, y, size * 1.4, size, stroke=1, fill=1)
    c.setDash()
    if symbol:
        c.setFillColor(HexColor(ink))
        draw_text(c, x + size * 0.7, y + size * 0.18, symbol, doc.fonts.bold, size * 0.8, "c")


def _legend(doc: Doc, hall: MapHall, layout: HallLayout) -> None:
    """Clusters with their booth counts, statuses (organiser view), facilities, and the scale bar."""
    frame = layout.frame
    u, m = frame.unit, frame.margin
    size = 7 * u
    scalebar_w = 70 * mm * u
    top = frame.legend_top - size * 1.6
    flow = _LegendFlow(doc, size, m, frame.width - m - scalebar_w, m, top)
    counts = Counter(b.cluster for b in hall.booths if b.cluster)
    present = sorted((doc.clusters[k] for k in counts if k in doc.clusters), key=lambda cl: cl.name)
    for cluster in present:
        swatch(doc, cluster, *flow.place(f"{cluster.name} ({counts[cluster.code]})"), size)
    if doc.options.view == "organiser":
        statuses = Counter(b.status for b in hall.booths)
        tinted = tint(present[0].color, 0.22) if present else HexColor("#e8e8e8")
        for status in STATUSES:
            at = flow.place(f"{doc.t(STATUS_LABELS[status])} ({statuses.get(status, 0)})")
            _status_swatch(doc, status, at, size, tinted)
    for kind in sorted({f.kind for f in hall.features}, key=_kind_order):
        _feature_swatch(doc, kind, flow.place(doc.t(kind_name(kind))), size)
    _scale_bar(doc, layout, frame.width - m - scalebar_w + 4 * mm * u, top)


def _kind_order(kind: str) -> int:
    order = list(FEATURE_STYLES)
    return order.index(kind) if kind in order else len(order)


def _scale_bar(doc: Doc, layout: HallLayout, x: float, y: float) -> None:
    c, u = doc.canvas, layout.frame.unit
    longest = 55 * mm * u / layout.scale  # metres that fit a bar of at most 55 mm
    steps = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
    step = max((s for s in steps if s * 4 <= longest), default=steps[0])
    segment = step * layout.scale
    height = 2.2 * u
    for i in range(4):
        c.setFillColor(black if i % 2 == 0 else white)
        c.setStrokeColor(black)
        c.setLineWidth(0.5)
        c.rect(x + i * segment, y, segment, height, stroke=1, fill=1)
    c.setFillColor(black)
    size = 6 * u
    for i in range(5):
        text_at(doc, x + i * segment, y + height + size * 0.5, f"{step * i}", size, align="c")
    text_at(doc, x + 4 * segment + size * 0.6, y, "m", size)
    ratio = (
        f"1:{round(layout.ratio)}"
        if doc.options.scale != "fit"
        else doc.t(N_("about 1:%(n)s"), n=_round_ratio(layout.ratio))
    )
    text_at(doc, x, y - size * 1.5, f"{doc.t(N_('Scale'))} {ratio}", size)


def footer(doc: Doc, frame: Frame) -> None:
    size = 6 * frame.unit
    doc.canvas.setFillColor(HexColor("#424242"))
    text_at(doc, frame.margin, frame.margin, doc.data.live_url, size)
    text_at(
        doc,
        frame.width - frame.margin,
        frame.margin,
        doc.t(N_("Page %(page)s of %(pages)s"), page=doc.page_no, pages=doc.total_pages),
        size,
        align="r",
    )
    if doc.options.view != "organiser":
        text_at(
            doc,
            frame.width / 2,
            frame.margin,
            doc.t(N_("Names shortened on the map are given in full in the index.")),
            size,
            align="c",
        )


def draw_index_page(doc: Doc, page: IndexPage, first: HallLayout) -> None:
    frame = first.frame
    new_page(doc, frame)
    c, u, m = doc.canvas, frame.unit, frame.margin
    c.setFillColor(black)
    text_at(doc, m, frame.height - m - 9 * u, f"{doc.data.expo_name} · {doc.t(N_('Index'))}", 9 * u, bold=True)
    text_at(
        doc,
        frame.width - m,
        frame.height - m - 9 * u,
        doc.t(N_("Map version %(version)s"), version=doc.data.version),
        7 * u,
        align="r",
    )
    fonts = doc.fonts
    for op in page.ops:
        if op.kind == "swatch":
            cluster = doc.clusters.get(op.text)
            if cluster is not None:
                swatch(doc, cluster, op.x, op.y - op.size * 0.1, op.size * 0.8)
            continue
        font = fonts.bold if op.kind in {"heading", "subheading", "right"} else fonts.regular
        c.setFillColor(HexColor("#616161") if op.kind == "muted" else black)
        draw_text(c, op.x, op.y, op.text, font, op.size, "r" if op.kind == "right" else "l")
    footer(doc, frame)
