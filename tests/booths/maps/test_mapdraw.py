"""The PDF booth map as a pure function: text, positions, QR code, refusals and hard input."""

import io
import re
import time

import arabic_reshaper
import pypdf
import pypdfium2
import pytest

from booths.maps.draw.document import (
    MapBooth,
    MapCluster,
    MapData,
    MapFeature,
    MapHall,
    PrintOptions,
    map_version,
    plan_hall,
    render_map,
)
from booths.venue.geometry import BlockSpec, block_layout
from expo.errors import InvalidInput
from expo.fonts import shape_text

LIVE = "https://expo.example.id/e/opop-2026/map"
ARABIC = "معهد روضة الطالبين"
LONG = "Koperasi Pondok Pesantren Miftahul Ulum Kedungsari Sejahtera Abadi Makmur Sentosa Jaya Bersama"
CLUSTERS = (MapCluster("kuliner", "Kuliner", "#e65100"), MapCluster("fashion", "Fashion", "#ad1457"))


def _hall(
    code: str = "A", statuses: dict[str, tuple[str, str]] | None = None, rows: int = 2, columns: int = 5
) -> MapHall:
    statuses = statuses or {}
    booths = []
    for i, (booth_code, rect) in enumerate(
        block_layout(BlockSpec(6, 3, rows, columns, 3, 3, 3, code, back_to_back=True))
    ):
        status, name = statuses.get(booth_code, ("available", ""))
        booths.append(
            MapBooth(
                booth_code,
                rect.x,
                rect.y,
                rect.w,
                rect.d,
                status,
                CLUSTERS[i % 2].code,
                name or None,
                None,
                1_500_000,
                "standar",
            )
        )
    features = (
        MapFeature("entrance", "Pintu Utama", 10, 14.7, 3, 0.3),
        MapFeature("musholla", "Musholla", 0, 0, 3, 4),
        MapFeature("column", "K1", 4.5, 10, 0.5, 0.5),
    )
    return MapHall(code, f"Hall {code}", 30, 15, booths, features)


STATUSES = {
    "A-01": ("confirmed", "Keripik Tempe Nurul Huda"),
    "A-02": ("confirmed", ARABIC),
    "A-03": ("confirmed", LONG),
    "A-04": ("held", "Sambal Pecel Ditahan Dulu"),
    "A-05": ("blocked", ""),
    "A-06": ("confirmed", "Batik Tulis Raudlatul Jannah"),
}


def _data(*halls: MapHall) -> MapData:
    return MapData(
        expo_name="Expo Uji",
        dates="20–25 Oktober 2026",
        venue="Gedung Uji",
        city="Jombang",
        live_url=LIVE,
        version="abc12345",
        printed_at="28 Nov 2026 10.00 WIB",
        halls=halls or (_hall(statuses=STATUSES),),
        clusters=CLUSTERS,
    )


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_public_map_lists_every_confirmed_exhibitor_and_no_held_one() -> None:
    pdf = render_map(_data(), PrintOptions(paper="a4", view="public", locale="en"))
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    text = _text(pdf)
    for name in ("Keripik Tempe Nurul Huda", LONG, "Batik Tulis Raudlatul Jannah"):
        assert name in text
    # Arabic is drawn with joined letter forms; pypdf reads them back in logical order.
    assert arabic_reshaper.reshape(ARABIC) in text or shape_text(ARABIC) in text
    assert ARABIC not in text  # not the unjoined letters
    assert "Ditahan" not in text
    assert "Rp" not in text  # no prices on the public map
    assert "Expo Uji" in text
    assert "Printed at 28 Nov 2026 10.00 WIB" in text
    assert "abc12345" in text


def test_organiser_view_shows_holds_status_and_prices() -> None:
    text = _text(render_map(_data(), PrintOptions(paper="a3", view="organiser", locale="en")))
    assert "Sambal Pecel Ditahan Dulu" in text
    assert "held" in text
    assert "blocked" in text
    assert "Rp1.500.000" in text


def _rects(pdf: bytes, page: int = 0) -> list[tuple[float, float, float, float]]:
    content = pypdf.PdfReader(io.BytesIO(pdf)).pages[page].get_contents()
    assert content is not None
    data = content.get_data().decode("latin-1")
    number = r"(-?\d+(?:\.\d+)?)"
    return [tuple(float(v) for v in m) for m in re.findall(rf"{number} {number} {number} {number} re", data)]  # type: ignore[misc]


def test_booths_are_drawn_where_the_geometry_says_at_1_to_200() -> None:
    data = _data()
    options = PrintOptions(paper="a4", orientation="landscape", scale="1:200", view="public")
    layout = plan_hall(data, data.halls[0], options)
    assert layout.scale == pytest.approx(1000 / 200 * 72 / 25.4)  # 5 mm per metre
    assert layout.ratio == pytest.approx(200)
    pdf = render_map(data, options)
    drawn = _rects(pdf)
    for booth in data.halls[0].booths:
        x, y, w, h = layout.rect(booth.x, booth.y, booth.w, booth.d)
        assert any(
            abs(x - a) < 0.02 and abs(y - b) < 0.02 and abs(w - c) < 0.02 and abs(h - d) < 0.02 for a, b, c, d in drawn
        ), booth.code
    # neighbours in the geometry are neighbours on paper, 3 m = 15 mm apart
    a1, a2 = data.halls[0].booths[0], data.halls[0].booths[1]
    assert layout.to_page(a2.x, a2.y)[0] - layout.to_page(a1.x, a1.y)[0] == pytest.approx(15 * 72 / 25.4)


def test_the_qr_code_leads_to_the_live_map() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    pdf = render_map(_data(), PrintOptions(paper="a4", view="public"))
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil()
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode] == [LIVE]


def test_labels_too_small_are_refused_with_a_larger_paper_suggested() -> None:
    big = _hall(rows=20, columns=60)
    big = MapHall("A", "Hall A", 6 + 60 * 3 + 6, 3 + 10 * 9 + 3, big.booths)
    with pytest.raises(InvalidInput) as refused:
        plan_hall(_data(big), big, PrintOptions(paper="a4"))
    assert refused.value.code == "labels_too_small"
    suggestion = str(refused.value.params["suggestion"])
    assert suggestion.startswith(("A2", "A1", "A0"))
    paper = suggestion.split(maxsplit=1)[0].lower()
    plan_hall(_data(big), big, PrintOptions(paper=paper, scale=suggestion.split(", ")[1]))  # and it works


def test_a_fixed_scale_that_does_not_fit_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_hall(_data(), _data().halls[0], PrintOptions(paper="a4", orientation="portrait", scale="1:100"))
    assert refused.value.code == "scale_does_not_fit"
    assert refused.value.params["suggestion"]


@pytest.mark.parametrize(
    ("options", "hall", "code"),
    [
        (PrintOptions(paper="a9"), None, "unknown_paper"),
        (PrintOptions(view="secret"), None, "unknown_view"),
        (PrintOptions(scale="1:333"), None, "unknown_scale"),
        (PrintOptions(orientation="diagonal"), None, "unknown_orientation"),
        (PrintOptions(), "Z", "unknown_hall"),
        (PrintOptions(), "E", "hall_has_no_booths"),
    ],
)
def test_bad_options_are_clear_errors(options: PrintOptions, hall: str | None, code: str) -> None:
    empty = MapHall("E", "Hall E", 20, 10, [])
    with pytest.raises(InvalidInput) as refused:
        render_map(_data(_hall(statuses=STATUSES), empty), options, hall)
    assert refused.value.code == code


def test_every_paper_renders_and_all_halls_share_one_document() -> None:
    data = _data(_hall("A", STATUSES), _hall("B", {"B-01": ("confirmed", "Tenun Ikat Hall B")}))
    for paper in ("a4", "f4", "a3", "a2", "a1", "a0"):
        pdf = render_map(data, PrintOptions(paper=paper, scale="1:250" if paper == "a0" else "fit"))
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) >= 3  # two halls and the index
    assert "Tenun Ikat Hall B" in _text(pdf)
    only_b = _text(render_map(data, PrintOptions(), "b"))
    assert "Tenun Ikat Hall B" in only_b
    assert "Keripik Tempe" not in only_b


def test_version_changes_with_what_the_view_shows() -> None:
    data = _data()
    held_elsewhere = _data(_hall(statuses=STATUSES | {"A-07": ("held", "Someone Holding")}))
    assert map_version(data, "public") == map_version(held_elsewhere, "public")  # holds are not public
    assert map_version(data, "organiser") != map_version(held_elsewhere, "organiser")
    confirmed = _data(_hall(statuses=STATUSES | {"A-07": ("confirmed", "New Exhibitor")}))
    assert map_version(data, "public") != map_version(confirmed, "public")


def test_a_thousand_booths_render_on_a1() -> None:
    booths = block_layout(BlockSpec(3, 3, 40, 25, 3, 3, 3, "A", back_to_back=True))
    hall = MapHall(
        "A",
        "Hall A",
        81,
        186,
        [MapBooth(c, r.x, r.y, r.w, r.d, "confirmed", "kuliner", f"Usaha Santri {c}") for c, r in booths],
    )
    started = time.perf_counter()
    pdf = render_map(_data(hall), PrintOptions(paper="a1"))
    assert time.perf_counter() - started < 10
    text = _text(pdf)
    assert "Usaha Santri A-1000" in text
    assert "Usaha Santri A-0001" in text
