"""What a booth map is drawn from: halls, booths, features, clusters and packages as plain data, the
print options (paper, orientation, scale, view) and their check, what each view may show, and the
map's version (a fingerprint of what a view draws).

Pure: data classes in, data classes or a domain error out.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from expo.errors import FieldProblem, InvalidInput
from expo.i18n import N_

PAPERS_MM: dict[str, tuple[float, float]] = {
    "a4": (210, 297),
    "f4": (215, 330),
    "a3": (297, 420),
    "a2": (420, 594),
    "a1": (594, 841),
    "a0": (841, 1189),
}
SCALES: dict[str, int | None] = {"fit": None, "1:100": 100, "1:200": 200, "1:250": 250}
VIEWS = ("public", "organiser", "handbook")
ORIENTATIONS = ("auto", "portrait", "landscape")
STATUSES = ("available", "held", "confirmed", "blocked")
STATUS_LABELS = {
    "available": N_("available"),
    "held": N_("held"),
    "confirmed": N_("confirmed"),
    "blocked": N_("blocked"),
}
PATTERNS = ("solid", "diagonal", "horizontal", "vertical", "cross", "backdiagonal", "dots", "grid")


@dataclass(frozen=True)
class MapBooth:
    code: str
    x: float
    y: float
    w: float
    d: float
    status: str = "available"  # available / held / confirmed / blocked
    cluster: str | None = None
    exhibitor: str | None = None  # the booking's exhibitor (confirmed, or held: organiser view only)
    pesantren: str | None = None
    price: int | None = None
    package: str | None = None  # package code
    co_exhibitors: tuple[str, ...] = ()  # the other businesses of a shared stand, in the order they joined

    @property
    def label(self) -> str | None:
        """The name drawn on the booth: a shared stand shows its main exhibitor and how many more share it
        ("Koppontren A + 2"); the index lists every name."""
        if not self.exhibitor or not self.co_exhibitors:
            return self.exhibitor
        return f"{self.exhibitor} + {len(self.co_exhibitors)}"


@dataclass(frozen=True)
class MapFeature:
    kind: str
    label: str
    x: float
    y: float
    w: float
    d: float


@dataclass(frozen=True)
class MapHall:
    code: str
    name: str
    width: float
    depth: float
    booths: Sequence[MapBooth]
    features: Sequence[MapFeature] = ()
    outdoor: bool = False


@dataclass(frozen=True)
class MapCluster:
    code: str
    name: str
    color: str


@dataclass(frozen=True)
class MapPackage:
    code: str
    name: str
    description: str = ""
    shell: bool = True
    tables: int = 0
    chairs: int = 0
    power_amps: int = 0
    staff_quota: int = 0


@dataclass(frozen=True)
class MapData:
    expo_name: str
    dates: str
    venue: str
    city: str
    live_url: str
    version: str
    printed_at: str  # already in the expo's zone, e.g. "28 Nov 2026 17.05 WIB"
    halls: Sequence[MapHall]
    clusters: Sequence[MapCluster] = ()
    packages: Sequence[MapPackage] = ()


@dataclass(frozen=True)
class PrintOptions:
    paper: str = "a4"
    orientation: str = "auto"
    scale: str = "fit"
    view: str = "public"
    locale: str = "id"


def normalise_scale(value: str) -> str:
    """``fit``, ``1:200`` or ``200`` -> the key of ``SCALES``; unknown values pass through unchanged."""
    text = value.strip().lower().replace(" ", "")
    if text.isdigit():
        text = f"1:{text}"
    return text


def check_options(options: PrintOptions) -> PrintOptions:
    """The options with their spelling normalised, or InvalidInput naming every unknown one."""
    options = replace(
        options,
        paper=options.paper.strip().lower(),
        orientation=options.orientation.strip().lower(),
        scale=normalise_scale(options.scale),
        view=options.view.strip().lower(),
    )
    problems: list[tuple[str, str, str, Sequence[str]]] = []
    if options.paper not in PAPERS_MM:
        problems.append(
            ("paper", N_("Unknown paper %(value)s; use one of %(choices)s."), options.paper, list(PAPERS_MM))
        )
    if options.orientation not in ORIENTATIONS:
        problems.append(
            (
                "orientation",
                N_("Unknown orientation %(value)s; use one of %(choices)s."),
                options.orientation,
                ORIENTATIONS,
            )
        )
    if options.scale not in SCALES:
        problems.append(("scale", N_("Unknown scale %(value)s; use one of %(choices)s."), options.scale, list(SCALES)))
    if options.view not in VIEWS:
        problems.append(("view", N_("Unknown view %(value)s; use one of %(choices)s."), options.view, VIEWS))
    if problems:
        name = problems[0][0]
        raise InvalidInput(
            problems[0][1],
            code=f"unknown_{name}",
            params={"value": problems[0][2][:40], "choices": ", ".join(problems[0][3])},
            fields=[
                FieldProblem(f, msg, {"value": value[:40], "choices": ", ".join(choices)})
                for f, msg, value, choices in problems
            ],
        )
    return options


def shown(booth: MapBooth, view: str) -> MapBooth:
    """The booth as the view may show it: the public never sees holds, prices or blocks."""
    if view == "organiser":
        return booth
    keep_name = booth.status == "confirmed"
    return replace(
        booth,
        status="confirmed" if keep_name else "available",
        exhibitor=booth.exhibitor if keep_name else None,
        pesantren=booth.pesantren if keep_name else None,
        co_exhibitors=booth.co_exhibitors if keep_name else (),
        price=None,
        package=booth.package if view == "handbook" else None,
    )


def map_version(data: MapData, view: str = "public") -> str:
    """A fingerprint of what the view draws: the same map gives the same version, any change a new
    one, so a printed map can be compared with the live one at a glance."""
    digest = hashlib.sha256(view.encode())
    for hall in sorted(data.halls, key=lambda h: h.code):
        digest.update(repr((hall.code, hall.name, hall.width, hall.depth, hall.outdoor)).encode())
        for booth in sorted((shown(b, view) for b in hall.booths), key=lambda b: b.code):
            digest.update(repr(booth).encode())
        for feature in sorted(hall.features, key=repr):
            digest.update(repr(feature).encode())
    for cluster in data.clusters:
        digest.update(repr(cluster).encode())
    if view == "handbook":
        for package in data.packages:
            digest.update(repr(package).encode())
    return digest.hexdigest()[:8]


def natural(code: str) -> list[object]:
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", code)]
