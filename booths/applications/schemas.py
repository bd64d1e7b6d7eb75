"""What the applications and allocation API accepts and promises (non-table models)."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from booths.allocation.models import FairnessBy, RunStatus
from booths.applications.models import ApplicationStatus, OfferStatus
from booths.exhibitors.models import ExhibitorClass
from booths.fields import ShortCode, Strict
from booths.venue.models import BoothType
from expo.text import MULTI_LINE
from expo.timestamps import UtcDateTime

Points = Annotated[int, Field(ge=0, le=1000)]
PreferenceText = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9:_ -]+$")]
ExhibitorId = Annotated[int, Field(ge=1, le=2_147_483_647)]
Seed = Annotated[int, Field(ge=0, le=2_147_483_647)]


# --- applications -------------------------------------------------------------------------------
class ApplicationIn(Strict):
    cluster: ShortCode | None = None
    booth_types: list[BoothType] = Field(default_factory=list, max_length=4)
    packages: list[ShortCode] = Field(default_factory=list, max_length=10)
    min_area_m2: Annotated[float, Field(ge=0, le=1000)] = 0
    power_amps: Annotated[int, Field(ge=0, le=200)] = 0
    accessible: bool = Field(default=False, description="Needs step-free access and room for a wheelchair.")
    preferences: list[PreferenceText] = Field(
        default_factory=list,
        max_length=5,
        description='Up to 5, best first: booth codes ("A-12"), "zone:<cluster>" or "hall:<code>".',
    )
    share: bool = Field(default=False, description="Willing to share a stand with others of the same product.")
    share_with: list[ExhibitorId] = Field(default_factory=list, max_length=5, description="Exhibitor ids.")
    near: list[ExhibitorId] = Field(default_factory=list, max_length=5, description="Exhibitor ids to be near.")
    avoid: list[ExhibitorId] = Field(default_factory=list, max_length=10, description="Competitors' exhibitor ids.")
    note: Annotated[str, Field(max_length=500), MULTI_LINE] = ""


class ApplicationCreate(ApplicationIn):
    exhibitor_id: ExhibitorId | None = Field(default=None, description="Organisers apply on an exhibitor's behalf.")


class DecisionIn(Strict):
    note: Annotated[str, Field(max_length=300), MULTI_LINE] = ""


class ApplicationRead(BaseModel):
    id: int
    expo_id: int
    exhibitor_id: int
    exhibitor_name: str
    exhibitor_class: ExhibitorClass
    status: ApplicationStatus
    cluster: str | None
    booth_types: list[str]
    packages: list[str]
    min_area_m2: float
    power_amps: int
    accessible: bool
    preferences: list[str]
    share: bool
    share_with: list[int]
    near: list[int]
    avoid: list[int]
    note: str
    decision_note: str | None
    waitlist_rank: int | None
    submitted_at: UtcDateTime
    updated_at: UtcDateTime


# --- settings -----------------------------------------------------------------------------------
class WeightsIn(Strict):
    preference: Points = 10
    position: Points = 2
    cluster_zone: Points = 20
    cluster_adjacent: Points = 2
    competitor: Points = 40
    near: Points = 10
    fairness: Points = 5
    priority_boost: Annotated[int, Field(ge=0, le=100)] = 20


class QuotaIn(Strict):
    exhibitor_class: ExhibitorClass
    reserved: Annotated[int, Field(ge=0, le=10_000)] = 0
    cap: Annotated[int, Field(ge=0, le=10_000)] | None = None


class ZoneRuleIn(Strict):
    zone: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^((hall|package):)?[A-Za-z0-9_-]+$")]
    clusters: list[ShortCode] | None = Field(default=None, max_length=20)
    classes: list[ExhibitorClass] | None = Field(default=None, max_length=5)


class AllocationSettingsIn(Strict):
    applications_only: bool = Field(
        default=False, description="Exhibitors apply instead of holding booths; freed booths go to the waiting list."
    )
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    offer_hours: Annotated[int, Field(ge=1, le=720)] = 48
    payment_days: Annotated[int, Field(ge=1, le=90)] = 7
    weights: WeightsIn = Field(default_factory=WeightsIn)
    quotas: list[QuotaIn] = Field(default_factory=list, max_length=10)
    zone_rules: list[ZoneRuleIn] = Field(default_factory=list, max_length=50)
    fairness_by: FairnessBy = FairnessBy.CLASS
    fairness_max_gap: Annotated[int, Field(ge=0, le=100)] = 10
    max_per_stand: Annotated[int, Field(ge=1, le=10)] = 3
    time_limit_s: Annotated[float, Field(ge=0.5, le=60)] = 5.0

    @model_validator(mode="after")
    def _window(self) -> "AllocationSettingsIn":
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("The window must close after it opens.")
        return self


class AllocationSettingsRead(AllocationSettingsIn):
    window_open: bool


class BoothAllocationIn(Strict):
    position_score: Annotated[int, Field(ge=0, le=100)] | None = Field(default=None, description="None: derived.")
    accessible: bool | None = None
    capacity: Annotated[int, Field(ge=1, le=10)] | None = None


# --- runs ---------------------------------------------------------------------------------------
class DryRunIn(Strict):
    seed: Seed | None = Field(default=None, description="None: a new random seed (stored with the run).")
    pins: dict[ExhibitorId, ExhibitorId] = Field(
        default_factory=dict, max_length=2000, description="Application id -> booth id to keep."
    )
    weights: WeightsIn | None = Field(default=None, description="None: the expo's weights.")
    time_limit_s: Annotated[float, Field(ge=0.2, le=60)] | None = None


class ReasonRead(BaseModel):
    code: str
    params: dict[str, str | int | float]
    text: str


class ExplanationRead(BaseModel):
    application_id: int
    exhibitor_id: int
    exhibitor_name: str
    rank: int
    placed: bool
    booth_id: int | None
    booth_code: str | None
    reason: ReasonRead
    notes: list[ReasonRead]
    shared_with: list[int]
    main: bool
    position_score: int | None


class StandRead(BaseModel):
    booth_id: int
    booth_code: str
    application_ids: list[int]
    exhibitor_ids: list[int]
    exhibitor_names: list[str]
    staff_quota_shares: list[int]
    pinned: bool


class PriorityRead(BaseModel):
    application_id: int
    rank: int
    tier: str
    applied_on: str
    lottery: str


class GroupFairnessRead(BaseModel):
    group: str
    placed: int
    mean: float
    worst: int
    best: int


class RunSummary(BaseModel):
    id: int
    expo_id: int
    status: RunStatus
    seed: int
    created_at: UtcDateTime
    committed_at: UtcDateTime | None
    objective: int
    bound: int
    gap_pct: float
    placed: int
    unplaced: int
    fairness_gap: float
    method: str


class RunRead(RunSummary):
    terms: dict[str, int]
    optimal: bool
    timed_out: bool
    solve_s: float
    competitor_pairs_adjacent: int
    fairness: list[GroupFairnessRead]
    pins: dict[int, int]
    settings: dict[str, object]
    stands: list[StandRead]
    explanations: list[ExplanationRead]
    priority: list[PriorityRead]


class CommitRead(BaseModel):
    run_id: int
    bookings: int
    co_exhibitors: int
    waitlisted: int


# --- shared stands and offers -------------------------------------------------------------------------
class CoExhibitorIn(Strict):
    exhibitor_id: ExhibitorId
    staff_quota_share: Annotated[int, Field(ge=0, le=100)] = 1


class CoExhibitorRead(BaseModel):
    exhibitor_id: int
    exhibitor_name: str
    staff_quota_share: int


class SharedStandRead(BaseModel):
    booking_id: int
    booth_id: int
    booth_code: str
    exhibitor_id: int
    exhibitor_name: str
    staff_quota_share: int = Field(description="The main exhibitor's passes: the package's quota minus the shares.")
    co_exhibitors: list[CoExhibitorRead]


class OfferRead(BaseModel):
    id: int
    application_id: int
    exhibitor_id: int
    exhibitor_name: str
    booth_id: int
    booth_code: str
    status: OfferStatus
    offered_at: UtcDateTime
    expires_at: UtcDateTime
    responded_at: UtcDateTime | None
    booking_id: int | None
