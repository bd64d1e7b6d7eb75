"""Booth maps as print-quality vector PDFs: plain data in, PDF bytes out (no database, no web).

One map page per hall (title block with a QR code to the live map, the hall at a fixed or fitted
scale, a legend that counts booths per cluster, a scale bar), then index pages: exhibitors A–Z,
booths by code, and by product cluster. ``plan_hall`` exposes the layout transform (where a point
of the hall lands on the page), so callers and tests can check positions. Errors are domain errors
with stable codes.
"""

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from reportlab.pdfgen.canvas import Canvas

from booths.maps.draw.data import (
    ORIENTATIONS,
    PAPERS_MM,
    PATTERNS,
    SCALES,
    STATUS_LABELS,
    VIEWS,
    MapBooth,
    MapCluster,
    MapData,
    MapFeature,
    MapHall,
    MapPackage,
    PrintOptions,
    check_options,
    map_version,
    natural,
    normalise_scale,
    shown,
)
from booths.maps.draw.index import Entry, IndexPage, Section, layout_index
from booths.maps.draw.layout import (
    MIN_CODE_PT,
    MIN_NAME_PT,
    HallLayout,
    code_size,
    paper_size,
    plan_hall,
)
from booths.maps.draw.pages import Doc, draw_index_page, map_page, rupiah
from expo.errors import InvalidInput
from expo.fonts import register_fonts
from expo.i18n import N_, translate

__all__ = [
    "MIN_CODE_PT",
    "MIN_NAME_PT",
    "ORIENTATIONS",
    "PAPERS_MM",
    "SCALES",
    "VIEWS",
    "HallLayout",
    "MapBooth",
    "MapCluster",
    "MapData",
    "MapFeature",
    "MapHall",
    "MapPackage",
    "PrintOptions",
    "check_options",
    "code_size",
    "map_version",
    "normalise_scale",
    "paper_size",
    "plan_hall",
    "render_map",
]


def render_map(data: MapData, options: PrintOptions, hall: str | None = None) -> bytes:
    """The whole document: map pages of every hall (or the one given), then the index pages."""
    options = check_options(options)
    fonts = register_fonts()
    halls = _select_halls(data, hall)
    layouts = [(h, plan_hall(data, h, options)) for h in halls]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=True, pageCompression=1)
    canvas.setTitle(f"{data.expo_name} – {translate(N_('Booth map'), None, options.locale)}")
    canvas.setAuthor(data.expo_name)
    canvas.setSubject(data.live_url)
    clusters = {c.code: c for c in data.clusters}
    patterns = {c.code: PATTERNS[i % len(PATTERNS)] for i, c in enumerate(data.clusters)}
    doc = Doc(data, options, fonts, canvas, clusters, patterns)
    shown_halls = [replace(h, booths=[shown(b, options.view) for b in h.booths]) for h in halls]
    first = layouts[0][1]
    index_pages = _index_pages(doc, shown_halls, first)
    doc.total_pages = len(layouts) + len(index_pages)
    for hall_shown, (_, layout) in zip(shown_halls, layouts, strict=True):
        map_page(doc, hall_shown, layout)
    for page in index_pages:
        draw_index_page(doc, page, first)
    canvas.save()
    return buffer.getvalue()


def _select_halls(data: MapData, hall: str | None) -> list[MapHall]:
    if hall is not None:
        chosen = [h for h in data.halls if h.code.casefold() == hall.strip().casefold()]
        if not chosen:
            raise InvalidInput(
                N_("Unknown hall %(hall)s; this expo has %(choices)s."),
                code="unknown_hall",
                params={"hall": hall[:20], "choices": ", ".join(h.code for h in data.halls) or "–"},
            )
        if not chosen[0].booths:
            raise InvalidInput(
                N_("Hall %(hall)s has no booths to print."), code="hall_has_no_booths", params={"hall": chosen[0].code}
            )
        return chosen
    with_booths = [h for h in data.halls if h.booths]
    if not with_booths:
        raise InvalidInput(N_("This expo has no booths to print yet."), code="no_booths")
    return with_booths


def _index_pages(doc: Doc, halls: Sequence[MapHall], first: HallLayout) -> list[IndexPage]:
    frame = first.frame
    sections = _index_sections(doc, halls)
    top = frame.height - frame.margin - 14 * frame.unit
    return layout_index(
        sections,
        page_w=frame.width,
        top=top,
        bottom=frame.footer_top,
        margin=frame.margin,
        unit=frame.unit,
        fonts=doc.fonts,
    )


def _booth_ref(booth: MapBooth, hall: MapHall, many_halls: bool) -> str:
    if many_halls and not booth.code.casefold().startswith(hall.code.casefold()):
        return f"{booth.code} ({hall.code})"
    return booth.code


def _names(booth: MapBooth) -> str:
    """Every business on the booth, main exhibitor first (a shared stand lists its co-exhibitors too)."""
    return ", ".join(n for n in (booth.exhibitor, *booth.co_exhibitors) if n)


def _index_sections(doc: Doc, halls: Sequence[MapHall]) -> list[Section]:
    view, t = doc.options.view, doc.t
    many = len(halls) > 1
    placed = [(b, h) for h in halls for b in h.booths]
    named = [(b, h) for b, h in placed if b.exhibitor]
    sections: list[Section] = []
    if view == "handbook" and doc.data.packages:
        entries = []
        for p in doc.data.packages:
            details = t(
                N_(
                    "Shell stand: %(shell)s · tables %(tables)s · chairs %(chairs)s · power %(power)s A"
                    " · staff passes %(staff)s"
                ),
                shell=t(N_("yes")) if p.shell else t(N_("no")),
                tables=p.tables,
                chairs=p.chairs,
                power=p.power_amps,
                staff=p.staff_quota,
            )
            entries.append(Entry(p.name, p.code, f"{p.description} {details}".strip()))
        sections.append(Section(t(N_("Booth packages")), entries))
    by_exhibitor: dict[str, list[tuple[MapBooth, MapHall]]] = defaultdict(list)
    sharing: dict[str, str] = {}  # a co-exhibitor of a shared stand -> the stand's main exhibitor
    for booth, hall in named:
        assert booth.exhibitor is not None
        by_exhibitor[booth.exhibitor].append((booth, hall))
        for co in booth.co_exhibitors:
            by_exhibitor[co].append((booth, hall))
            sharing[co] = booth.exhibitor
    entries = []
    for name in sorted(by_exhibitor, key=lambda n: (n.casefold(), n)):
        rows = sorted(by_exhibitor[name], key=lambda r: natural(r[0].code))
        sub = t(N_("with %(name)s"), name=sharing[name]) if name in sharing else (rows[0][0].pesantren or "")
        if view == "organiser":
            held = [r for r in rows if r[0].status == "held"]
            if held:
                sub = f"{sub} · {t(N_('held'))}".strip(" ·")
        entries.append(Entry(name, ", ".join(_booth_ref(b, h, many) for b, h in rows), sub))
    sections.append(Section(t(N_("Exhibitors A–Z")), entries or [Entry(t(N_("No exhibitors yet.")))]))
    code_rows = placed if view == "organiser" else named
    entries = []
    for booth, hall in sorted(code_rows, key=lambda r: (natural(r[1].code), natural(r[0].code))):
        name = _names(booth) or "–"
        if view == "organiser":
            status = STATUS_LABELS
            name = (
                f"{_names(booth)} ({t(status[booth.status])})"
                if booth.exhibitor
                else t(status.get(booth.status, booth.status))
            )
        right = rupiah(booth.price) if view == "organiser" and booth.price is not None else ""
        entries.append(Entry(f"{_booth_ref(booth, hall, many)}  {name}", right))
    sections.append(Section(t(N_("Booths by code")), entries or [Entry(t(N_("No exhibitors yet.")))]))
    sections.append(Section(t(N_("By product cluster")), []))
    groups: dict[str | None, list[tuple[MapBooth, MapHall]]] = defaultdict(list)
    for booth, hall in named:
        groups[booth.cluster if booth.cluster in doc.clusters else None].append((booth, hall))
    ordered = sorted((k for k in groups if k), key=lambda k: doc.clusters[k].name)
    for key in [*ordered, *([None] if None in groups else [])]:
        rows = sorted(groups[key], key=lambda r: ((r[0].exhibitor or "").casefold(), natural(r[0].code)))
        title = doc.clusters[key].name if key else t(N_("No cluster"))
        entries = [Entry(_names(b), _booth_ref(b, h, many)) for b, h in rows]
        sections.append(Section(f"{title} ({len(rows)})", entries, level=2, swatch=key))
    return sections
