"""Where each hall lands on its page: the page's regions (title, map, legend, footer), the scale
(fixed, or the largest that fits), and the size of booth labels; ``plan_hall`` gives the layout
transform or refuses a paper and scale on which labels could not be read.

Pure: map data in (``booths.maps.draw.data``), a ``HallLayout`` or a domain error out. Refusals name
a paper and scale that would work, so organisers know what to choose instead.
"""

import math
from dataclasses import dataclass, replace

from reportlab.lib.units import mm

from booths.maps.draw.data import (
    PAPERS_MM,
    SCALES,
    STATUSES,
    MapBooth,
    MapData,
    MapHall,
    PrintOptions,
    check_options,
)
from expo.errors import InvalidInput
from expo.fonts import FontNames, register_fonts
from expo.i18n import N_, translate
from expo.pdf_text import width

MIN_CODE_PT = 5.0  # a booth code smaller than this cannot be read on paper
MIN_NAME_PT = 4.0


@dataclass(frozen=True)
class Frame:
    """A page and its regions (points; PDF y grows upwards)."""

    width: float
    height: float
    unit: float  # text and line sizes scale with the paper: 1 on A4, 4 on A0
    margin: float
    title_bottom: float
    legend_top: float
    footer_top: float
    map_x0: float
    map_y0: float
    map_x1: float
    map_y1: float

    @property
    def map_w(self) -> float:
        return self.map_x1 - self.map_x0

    @property
    def map_h(self) -> float:
        return self.map_y1 - self.map_y0


@dataclass(frozen=True)
class HallLayout:
    """Where one hall lands on its page: ``scale`` points per metre, hall corner (0, 0) at ``origin``."""

    hall: str
    paper: str
    orientation: str
    frame: Frame
    scale: float
    origin_x: float
    origin_y: float

    @property
    def ratio(self) -> float:
        """The map scale as 1:ratio (200.0 for 1:200)."""
        return float(1000 * mm / self.scale)

    def to_page(self, x_m: float, y_m: float) -> tuple[float, float]:
        return self.origin_x + x_m * self.scale, self.origin_y - y_m * self.scale

    def rect(self, x_m: float, y_m: float, w_m: float, d_m: float) -> tuple[float, float, float, float]:
        """A hall rectangle as the PDF draws it: lower-left corner, width, height (points)."""
        px, top = self.to_page(x_m, y_m)
        return px, top - d_m * self.scale, w_m * self.scale, d_m * self.scale


def paper_size(paper: str, orientation: str) -> tuple[float, float]:
    short, long = PAPERS_MM[paper]
    w, h = (long, short) if orientation == "landscape" else (short, long)
    return w * mm, h * mm


def _unit(paper: str) -> float:
    return PAPERS_MM[paper][0] / 210.0


def _legend_items(hall: MapHall, data: MapData, view: str) -> list[str]:
    """The legend's entries (as text), to size the legend band before the map is placed."""
    names = {c.code: c.name for c in data.clusters}
    items = [names.get(code, code) + " (00)" for code in {b.cluster for b in hall.booths if b.cluster}]
    if view == "organiser":
        items += [s + " (000)" for s in STATUSES]
    items += [f.kind.replace("_", " ") for f in hall.features]
    return sorted(set(items))


def _frame(hall: MapHall, data: MapData, paper: str, orientation: str, view: str, fonts: FontNames) -> Frame:
    page_w, page_h = paper_size(paper, orientation)
    u = _unit(paper)
    margin = 8 * mm * u
    title_h = 22 * mm * u
    footer_h = 5 * mm * u
    size = 7 * u
    row_h = size * 2.0
    scalebar_w = 70 * mm * u
    avail = page_w - 2 * margin - scalebar_w
    x, rows = 0.0, 1
    for item in _legend_items(hall, data, view):
        w = size * 2.6 + width(item, fonts.regular, size)
        if x + w > avail and x > 0:
            rows, x = rows + 1, 0.0
        x += w
    legend_h = max(rows * row_h, 14 * mm * u)
    title_bottom = page_h - margin - title_h
    footer_top = margin + footer_h
    legend_top = footer_top + legend_h
    gap = 4 * mm * u
    return Frame(
        width=page_w,
        height=page_h,
        unit=u,
        margin=margin,
        title_bottom=title_bottom,
        legend_top=legend_top,
        footer_top=footer_top,
        map_x0=margin,
        map_y0=legend_top + gap,
        map_x1=page_w - margin,
        map_y1=title_bottom - gap,
    )


def _scale_for(ratio: int) -> float:
    return float(1000 * mm / ratio)


def band_height(d_pt: float, scale: float) -> float:
    return min(d_pt * 0.16, 0.5 * scale)


def inner_pad(w_pt: float, d_pt: float) -> float:
    return max(0.6, min(w_pt, d_pt) * 0.06)


def code_size(booth: MapBooth, scale: float, unit: float, bold: str) -> float:
    """The booth code's font size at this scale (points); below MIN_CODE_PT it cannot be read."""
    w_pt, d_pt = booth.w * scale, booth.d * scale
    pad = inner_pad(w_pt, d_pt)
    band = band_height(d_pt, scale) if booth.cluster else 0.0
    one = max(width(booth.code, bold, 1.0), 1e-6)
    return min(11 * unit, (w_pt - 2 * pad) / one, (d_pt - band - 2 * pad) * 0.34)


@dataclass(frozen=True)
class _Try:
    layout: HallLayout | None
    fits: bool
    smallest: float
    smallest_booth: str


def _try(hall: MapHall, data: MapData, paper: str, orientation: str, options: PrintOptions, fonts: FontNames) -> _Try:
    frame = _frame(hall, data, paper, orientation, options.view, fonts)
    ratio = SCALES[options.scale]
    fit_scale = min(frame.map_w / hall.width, frame.map_h / hall.depth)
    scale = fit_scale if ratio is None else _scale_for(ratio)
    fits = scale <= fit_scale * 1.0005
    smallest, smallest_booth = math.inf, ""
    for booth in hall.booths:
        size = code_size(booth, scale, frame.unit, fonts.bold)
        if size < smallest:
            smallest, smallest_booth = size, booth.code
    ox = frame.map_x0 + (frame.map_w - hall.width * scale) / 2
    oy = frame.map_y1 - max(0.0, (frame.map_h - hall.depth * scale) / 2)
    layout = HallLayout(hall.code, paper, orientation, frame, scale, ox, oy)
    return _Try(layout, fits, smallest, smallest_booth)


def _orientations(options: PrintOptions, hall: MapHall) -> list[str]:
    if options.orientation != "auto":
        return [options.orientation]
    wide = hall.width >= hall.depth
    return ["landscape", "portrait"] if wide else ["portrait", "landscape"]


def _best(hall: MapHall, data: MapData, options: PrintOptions, fonts: FontNames) -> _Try:
    tries = [_try(hall, data, options.paper, o, options, fonts) for o in _orientations(options, hall)]
    good = [t for t in tries if t.fits and t.smallest >= MIN_CODE_PT]
    pool = good or [t for t in tries if t.fits] or tries
    return max(pool, key=lambda t: (t.smallest, t.layout.scale if t.layout else 0.0))


def _suggestion(hall: MapHall, data: MapData, options: PrintOptions, fonts: FontNames) -> str | None:
    """The smallest paper (and scale) on which the hall fits with readable labels."""
    start = list(PAPERS_MM).index(options.paper)
    scales = [options.scale] + [s for s in ("1:250", "1:200", "1:100", "fit") if s != options.scale]
    for paper in list(PAPERS_MM)[start:]:
        for scale in scales:
            if paper == options.paper and scale == options.scale:
                continue
            candidate = replace(options, paper=paper, scale=scale, orientation="auto")
            best = _best(hall, data, candidate, fonts)
            if best.fits and best.smallest >= MIN_CODE_PT and best.layout is not None:
                return f"{paper.upper()} {best.layout.orientation}, {scale}"
    return None


def plan_hall(data: MapData, hall: MapHall, options: PrintOptions) -> HallLayout:
    """The page layout of one hall, or a domain error when the scale does not fit the paper or the
    booth labels would be too small to read (both with a suggestion of paper and scale)."""
    fonts = register_fonts()
    options = check_options(options)
    best = _best(hall, data, options, fonts)
    assert best.layout is not None
    layout = best.layout
    suggestion = None
    if not best.fits:
        suggestion = _suggestion(hall, data, options, fonts)
        frame = layout.frame
        raise InvalidInput(
            N_(
                "Hall %(hall)s (%(w)s × %(d)s m) does not fit on %(paper)s at %(scale)s: it needs "
                "%(need_w)s × %(need_d)s mm, the map area is %(have_w)s × %(have_d)s mm. %(hint)s"
            ),
            code="scale_does_not_fit",
            params={
                "hall": hall.code,
                "w": num(hall.width),
                "d": num(hall.depth),
                "paper": options.paper.upper(),
                "scale": options.scale,
                "need_w": round(hall.width * layout.scale / mm),
                "need_d": round(hall.depth * layout.scale / mm),
                "have_w": round(frame.map_w / mm),
                "have_d": round(frame.map_h / mm),
                "hint": _hint(suggestion, options.locale),
                "suggestion": suggestion or "",
            },
        )
    if best.smallest < MIN_CODE_PT:
        suggestion = _suggestion(hall, data, options, fonts)
        raise InvalidInput(
            N_(
                "Booth labels in hall %(hall)s would be %(size)s pt on %(paper)s at %(scale)s (booth %(booth)s); "
                "at least %(min)s pt is needed to read them. %(hint)s"
            ),
            code="labels_too_small",
            params={
                "hall": hall.code,
                "size": f"{max(best.smallest, 0):.1f}",
                "paper": options.paper.upper(),
                "scale": options.scale,
                "booth": best.smallest_booth,
                "min": num(MIN_CODE_PT),
                "hint": _hint(suggestion, options.locale),
                "suggestion": suggestion or "",
            },
        )
    return layout


def _hint(suggestion: str | None, locale: str) -> str:
    if suggestion:
        return translate(N_("Try %(suggestion)s."), {"suggestion": suggestion}, locale)
    return translate(N_("No paper is large enough: split the hall into smaller areas."), None, locale)


def num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
