"""The report as a PDF (pure: plain data in, bytes out): a cover with the summary figures, then pages
of charts drawn as vectors with ReportLab's own graphics, each with its table of numbers.

Published figures only: totals, and sales per product category with small categories folded into
"other" (``booths.sales.service.totals_by_category``); no single exhibitor's sales appear here."""

from collections.abc import Sequence
from datetime import date
from io import BytesIO

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from expo.fonts import draw_text, register_fonts
from expo.formatting import format_date, format_date_range, format_rupiah
from expo.i18n import translate
from expo.pdf_text import cut, wrap
from tickets.reports.data import Count, HallBands, ReportData

PAGE_W, PAGE_H = A4
MARGIN = 40.0
GREEN = colors.HexColor("#1b7f4c")
AMBER = colors.HexColor("#f2a900")
GREY = colors.HexColor("#6b7280")
LIGHT = colors.HexColor("#eef2ee")


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class _Pages:
    """A canvas with a cursor that moves down the page and starts a new page when it runs out."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.fonts = register_fonts()
        self.out = BytesIO()
        self.c = Canvas(self.out, pagesize=A4, invariant=True)
        self.c.setTitle(self.translate("Activity report: %(expo)s", expo=data.expo_name))
        self.c.setAuthor(data.expo_name)
        self.y = PAGE_H - MARGIN
        self.page_no = 1

    def translate(self, message: str, **params: object) -> str:
        """``message`` in the report's language (named so the catalog extractor finds the texts)."""
        return translate(message, params or None, locale=self.data.locale)

    def text(self, x: float, y: float, value: str, size: float = 9, *, bold: bool = False, align: str = "l") -> None:
        draw_text(self.c, x, y, value, self.fonts.bold if bold else self.fonts.regular, size, align)

    def footer(self) -> None:
        self.c.setFillColor(GREY)
        stamp = f"{self.data.expo_name} · {self.translate('Page %(n)s', n=self.page_no)}"
        self.text(PAGE_W / 2, MARGIN / 2, stamp, 7, align="c")
        self.c.setFillColor(colors.black)

    def new_page(self) -> None:
        self.footer()
        self.c.showPage()
        self.page_no += 1
        self.y = PAGE_H - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.new_page()

    def heading(self, value: str, size: float = 15) -> None:
        self.need(size + 30)
        self.c.setFillColor(GREEN)
        self.text(MARGIN, self.y - size, value, size, bold=True)
        self.c.setFillColor(colors.black)
        self.y -= size + 16

    def paragraph(self, value: str, size: float = 9.5) -> None:
        for line in wrap(value, self.fonts.regular, size, PAGE_W - 2 * MARGIN):
            self.need(size * 1.4)
            self.text(MARGIN, self.y - size, line, size)
            self.y -= size * 1.4
        self.y -= 4

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        """Columns after the first are numbers, right-aligned."""
        size, row_h = 8.5, 14.0
        total = sum(widths)
        scale = (PAGE_W - 2 * MARGIN) / total
        xs = [MARGIN + sum(widths[:i]) * scale for i in range(len(widths))]
        ws = [w * scale for w in widths]

        def row(cells: Sequence[str], *, bold: bool = False, shade: bool = False) -> None:
            self.need(row_h)
            if shade:
                self.c.setFillColor(LIGHT)
                self.c.rect(MARGIN, self.y - row_h + 3, PAGE_W - 2 * MARGIN, row_h, stroke=0, fill=1)
                self.c.setFillColor(colors.black)
            for i, cell in enumerate(cells):
                font = self.fonts.bold if bold else self.fonts.regular
                shown = cut(cell, font, size, ws[i] - 6)
                if i == 0:
                    self.text(xs[i] + 2, self.y - size, shown, size, bold=bold)
                else:
                    self.text(xs[i] + ws[i] - 3, self.y - size, shown, size, bold=bold, align="r")
            self.y -= row_h

        row(header, bold=True, shade=True)
        for cells in rows:
            row(cells)
        self.y -= 8

    def chart(self, drawing: Drawing) -> None:
        self.need(drawing.height + 6)
        renderPDF.draw(drawing, self.c, MARGIN, self.y - drawing.height)
        self.y -= drawing.height + 10

    def finish(self) -> bytes:
        self.footer()
        self.c.save()
        return self.out.getvalue()


def _bars(
    values: Sequence[int],
    labels: Sequence[str],
    fonts_regular: str,
    *,
    height: float = 170,
    colour: colors.Color = GREEN,
) -> Drawing:
    """A vertical bar chart as vectors, labelled below each bar."""
    width = PAGE_W - 2 * MARGIN
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 46, 28, width - 56, height - 40
    chart.data = [list(values) or [0]]
    chart.categoryAxis.categoryNames = list(labels) or [""]
    chart.categoryAxis.labels.fontName = fonts_regular
    chart.categoryAxis.labels.fontSize = 6.5 if len(labels) > 12 else 7.5
    chart.categoryAxis.labels.angle = 0
    chart.valueAxis.labels.fontName = fonts_regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: number(int(v))
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    drawing.add(chart)
    return drawing


def _hbars(counts: Sequence[Count], fonts_regular: str, *, colour: colors.Color = GREEN) -> Drawing:
    """A horizontal bar chart, largest first at the top."""
    width = PAGE_W - 2 * MARGIN
    height = max(60.0, 16.0 * len(counts) + 24)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 16, width - 170, height - 24
    chart.data = [[c.value for c in reversed(counts)] or [0]]
    chart.categoryAxis.categoryNames = [c.label[:28] for c in reversed(counts)] or [""]
    chart.categoryAxis.labels.fontName = fonts_regular
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = fonts_regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: number(int(v))
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def _short(day: date, locale: str) -> str:
    return format_date(day, locale, fmt="d MMM")


def _cover(p: _Pages) -> None:
    d = p.data
    p.y -= 60
    p.c.setFillColor(GREEN)
    p.text(MARGIN, p.y, p.translate("Activity report"), 26, bold=True)
    p.c.setFillColor(colors.black)
    p.y -= 34
    for line in wrap(d.expo_name, p.fonts.bold, 18, PAGE_W - 2 * MARGIN):
        p.text(MARGIN, p.y, line, 18, bold=True)
        p.y -= 24
    p.text(MARGIN, p.y, f"{d.venue}, {d.city}", 11)
    p.y -= 16
    p.text(MARGIN, p.y, format_date_range(d.start, d.end, d.locale), 11)
    p.y -= 40
    p.heading(p.translate("Summary"))
    if d.empty:
        p.paragraph(
            p.translate(
                "No visitors and no sales were recorded from %(start)s to %(end)s.",
                start=format_date(d.start, d.locale),
                end=format_date(d.end, d.locale),
            )
        )
    peak = d.peak
    rows = [
        (p.translate("Exhibitors with a booth"), number(d.exhibitors)),
        (p.translate("of them pesantren businesses"), number(d.pesantren)),
        (p.translate("Visitors (each person once)"), number(d.visitors)),
        (p.translate("Entries at the gates"), number(d.entries)),
        (
            p.translate("Most people inside at once"),
            f"{number(peak.peak_inside)} ({format_date(peak.day, d.locale)})" if peak else "0",
        ),
        (p.translate("Sales reported by exhibitors"), format_rupiah(d.sales)),
        (p.translate("Orders for later delivery"), format_rupiah(d.orders)),
        (p.translate("Deals signed"), format_rupiah(d.deals_value)),
        (p.translate("Booth fees billed"), format_rupiah(sum(r.billed for r in d.revenue))),
        (p.translate("Booth fees paid"), format_rupiah(sum(r.paid for r in d.revenue))),
    ]
    for label, value in rows:
        p.need(22)
        p.c.setStrokeColor(LIGHT)
        p.c.line(MARGIN, p.y - 6, PAGE_W - MARGIN, p.y - 6)
        p.text(MARGIN, p.y, label, 11)
        p.text(PAGE_W - MARGIN, p.y, value, 12, bold=True, align="r")
        p.y -= 22
    p.y -= 10
    made = p.translate("Made on %(day)s from the expo's records.", day=format_date(d.made_at.date(), d.locale))
    p.c.setFillColor(GREY)
    p.paragraph(made, 8)
    p.c.setFillColor(colors.black)


def _visitors(p: _Pages) -> None:
    d = p.data
    p.new_page()
    p.heading(p.translate("Visitors"))
    p.paragraph(p.translate("Visitors per day (each person once a day)"), 10)
    p.chart(
        _bars([v.visitors for v in d.visitor_days], [_short(v.day, d.locale) for v in d.visitor_days], p.fonts.regular)
    )
    p.table(
        [
            p.translate("Day"),
            p.translate("Entries"),
            p.translate("Visitors"),
            p.translate("Most inside"),
            p.translate("Refused"),
        ],
        [
            [
                format_date(v.day, d.locale),
                number(v.entries),
                number(v.visitors),
                number(v.peak_inside),
                number(v.refused),
            ]
            for v in d.visitor_days
        ],
        [2.6, 1.2, 1.3, 1.8, 1.1],
    )
    p.paragraph(p.translate("Entries per hour (all days together)"), 10)
    hours = [h for h in range(24) if d.entries_per_hour[h]] or list(range(8, 22))
    first, last = min(hours), max(hours)
    span = range(first, last + 1)
    p.chart(
        _bars(
            [d.entries_per_hour[h] for h in span], [f"{h:02d}" for h in span], p.fonts.regular, height=150, colour=AMBER
        )
    )
    if d.entries_per_gate:
        p.table(
            [p.translate("Gate"), p.translate("Entries")],
            [[c.label, number(c.value)] for c in d.entries_per_gate],
            [4, 1.5],
        )
    if d.visitors_by_category:
        p.paragraph(p.translate("Visitors by category"), 10)
        p.chart(_hbars(d.visitors_by_category, p.fonts.regular))
    if d.visitors_by_regency:
        p.paragraph(p.translate("Visitors by regency or city"), 10)
        p.chart(_hbars(d.visitors_by_regency, p.fonts.regular, colour=AMBER))
        p.table(
            [p.translate("Regency or city"), p.translate("Visitors")],
            [[c.label, number(c.value)] for c in d.visitors_by_regency],
            [4, 1.5],
        )
    if d.refusals:
        p.table(
            [p.translate("Refused at the gate"), p.translate("Scans")],
            [[c.label, number(c.value)] for c in d.refusals],
            [4, 1.5],
        )


def _exhibitors(p: _Pages) -> None:
    d = p.data
    p.new_page()
    p.heading(p.translate("Exhibitors"))
    p.paragraph(p.translate("Exhibitors with a booth by class"), 10)
    p.chart(_hbars(d.exhibitors_by_class, p.fonts.regular))
    p.table(
        [p.translate("Class"), p.translate("Exhibitors")],
        [[c.label, number(c.value)] for c in d.exhibitors_by_class],
        [4, 1.5],
    )
    p.paragraph(p.translate("Exhibitors by regency or city"), 10)
    p.chart(_hbars(d.exhibitors_by_regency, p.fonts.regular, colour=AMBER))
    p.table(
        [p.translate("Regency or city"), p.translate("Exhibitors")],
        [[c.label, number(c.value)] for c in d.exhibitors_by_regency],
        [4, 1.5],
    )
    if d.revenue:
        p.paragraph(p.translate("Booth fees per class"), 10)
        p.table(
            [p.translate("Class"), p.translate("Bills"), p.translate("Billed"), p.translate("Paid")],
            [[r.label, number(r.bills), format_rupiah(r.billed), format_rupiah(r.paid)] for r in d.revenue],
            [3, 1, 2, 2],
        )


def _sales(p: _Pages) -> None:
    d = p.data
    p.new_page()
    p.heading(p.translate("Sales by exhibitors"))
    p.paragraph(p.translate("Sales reported per day (cash, transfer and QRIS), in rupiah"), 10)
    p.chart(_bars([s.sales for s in d.sales_days], [_short(s.day, d.locale) for s in d.sales_days], p.fonts.regular))
    p.table(
        [
            p.translate("Day"),
            p.translate("Reported"),
            p.translate("Sales"),
            p.translate("Sales count"),
            p.translate("Orders"),
            p.translate("Deals"),
        ],
        [
            [
                format_date(s.day, d.locale),
                number(s.reported),
                format_rupiah(s.sales),
                number(s.transactions),
                format_rupiah(s.orders),
                format_rupiah(s.deals_value),
            ]
            for s in d.sales_days
        ],
        [2.6, 1.1, 2, 1.2, 1.8, 1.8],
    )
    if d.sales_by_category:
        p.paragraph(
            p.translate(
                "Sales per product category (a category of fewer than three exhibitors is counted under other)"
            ),
            10,
        )
        p.chart(_hbars([Count(c.label, c.sales) for c in d.sales_by_category], p.fonts.regular, colour=AMBER))
        p.table(
            [p.translate("Product category"), p.translate("Exhibitors"), p.translate("Sales")],
            [[c.label, number(c.exhibitors), format_rupiah(c.sales)] for c in d.sales_by_category],
            [3, 1, 2],
        )


BAND_COLOURS = {
    0: colors.HexColor("#e5e7eb"),  # no exhibitor, or no sales reported
    1: colors.HexColor("#c7e9d3"),
    2: colors.HexColor("#5fb987"),
    3: colors.HexColor("#1b7f4c"),
}


def _hall(p: _Pages, hall: HallBands) -> None:
    """One hall's booths, each filled with its sales band (a third of the reporting booths)."""
    p.new_page()
    p.heading(p.translate("%(hall)s: booths by sales band", hall=hall.name))
    box_w, box_h = PAGE_W - 2 * MARGIN, p.y - MARGIN - 60
    scale = min(box_w / max(hall.width_m, 1), box_h / max(hall.depth_m, 1))
    top = p.y
    p.c.setStrokeColor(GREY)
    p.c.rect(MARGIN, top - hall.depth_m * scale, hall.width_m * scale, hall.depth_m * scale)
    for booth in hall.booths:
        x, w, d = MARGIN + booth.x * scale, booth.w * scale, booth.d * scale
        y = top - booth.y * scale - d  # the map's y runs down from the hall's back wall
        p.c.setFillColor(BAND_COLOURS.get(booth.band, BAND_COLOURS[0]))
        p.c.setStrokeColor(colors.white)
        p.c.rect(x, y, w, d, stroke=1, fill=1)
        size = min(7.0, w * 0.28, d * 0.4)
        if size >= 3:
            p.c.setFillColor(colors.white if booth.band == 3 else colors.black)  # white on the darkest band
            p.text(x + w / 2, y + d / 2 - size / 3, booth.code, size, align="c")
    p.y = top - hall.depth_m * scale - 18
    p.c.setFillColor(colors.black)
    legend = [
        (0, p.translate("No sales reported")),
        (1, p.translate("Lower third")),
        (2, p.translate("Middle third")),
        (3, p.translate("Upper third")),
    ]
    x = MARGIN
    for band, label in legend:
        p.c.setFillColor(BAND_COLOURS[band])
        p.c.rect(x, p.y - 2, 10, 10, stroke=0, fill=1)
        p.c.setFillColor(colors.black)
        p.text(x + 14, p.y, label, 8)
        x += 130


def render_report(data: ReportData) -> bytes:
    """The whole report as PDF bytes."""
    pages = _Pages(data)
    _cover(pages)
    _visitors(pages)
    _exhibitors(pages)
    _sales(pages)
    for hall in data.halls:
        _hall(pages, hall)
    return pages.finish()
