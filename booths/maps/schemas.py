"""What the booth-map API accepts and promises: venue features, layout rules and checks, map data."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from booths.fields import Metres, Position, Strict
from booths.maps.models import FeatureKind
from expo.timestamps import UtcDateTime

Label = Annotated[str, Field(max_length=80)]


class FeatureCreate(Strict):
    hall_id: int
    kind: FeatureKind
    label: Label = ""
    x_m: Position
    y_m: Position
    width_m: Metres
    depth_m: Metres


class FeatureUpdate(Strict):
    hall_id: int | None = None
    kind: FeatureKind | None = None
    label: Label | None = None
    x_m: Position | None = None
    y_m: Position | None = None
    width_m: Metres | None = None
    depth_m: Metres | None = None


class FeatureRead(BaseModel):
    id: int
    hall_id: int
    hall_code: str
    kind: FeatureKind
    label: str
    x_m: float
    y_m: float
    width_m: float
    depth_m: float


class MapRules(BaseModel):
    min_aisle_m: float = Field(description="Aisles narrower than this are errors.")
    exit_clearance_m: float = Field(description="How deep the floor in front of an entrance or exit stays clear.")
    min_access_m: float = Field(description="A booth needs a side open to the floor this wide and deep.")


class MapRulesUpdate(Strict):
    min_aisle_m: Annotated[float, Field(ge=0.5, le=20)] | None = None
    exit_clearance_m: Annotated[float, Field(ge=0, le=20)] | None = None
    min_access_m: Annotated[float, Field(ge=0.3, le=10)] | None = None


class FindingRead(BaseModel):
    code: str
    severity: Literal["error", "warning"]
    hall: str
    items: list[str]
    message: str
    x_m: float
    y_m: float
    width_m: float
    depth_m: float


class LayoutCheckRead(BaseModel):
    ok: bool = Field(description="No errors: the public map may be printed and published.")
    errors: int
    warnings: int
    findings: list[FindingRead]


class MapStatusRead(BaseModel):
    published: bool
    published_at: UtcDateTime | None
    version: str = Field(description="Fingerprint of the public map; printed maps show the same.")
    rules: MapRules
    check: LayoutCheckRead


class PublicExhibitor(BaseModel):
    name: str
    pesantren: str | None
    exhibitor_class: str
    products: str
    whatsapp: str
    regency: str


class PublicBooth(BaseModel):
    code: str
    x: float
    y: float
    w: float
    d: float
    cluster: str | None
    exhibitor: PublicExhibitor | None
    # The other businesses of a shared stand, in the order they joined (empty for a stand of one).
    co_exhibitors: list[PublicExhibitor] = []


class PublicFeature(BaseModel):
    kind: FeatureKind
    label: str
    x: float
    y: float
    w: float
    d: float


class PublicHall(BaseModel):
    code: str
    name: str
    width: float
    depth: float
    outdoor: bool
    booths: list[PublicBooth]
    features: list[PublicFeature]


class PublicCluster(BaseModel):
    code: str
    name: str
    color: str
    count: int


class PublicMap(BaseModel):
    """The public map: geometry, facilities and confirmed exhibitors only (no holds, no prices)."""

    expo: str
    slug: str
    version: str
    halls: list[PublicHall]
    clusters: list[PublicCluster]


class FeatureImportResult(BaseModel):
    features: int
