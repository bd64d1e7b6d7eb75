"""Tables of allocation: each expo's allocation rules, booth overrides and allocation runs."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class FairnessBy(StrEnum):
    """Which groups the fairness goal compares: exhibitor classes, or free against paying stands."""

    CLASS = "class"
    PAYMENT = "payment"


class RunStatus(StrEnum):
    DRAFT = "draft"
    COMMITTED = "committed"
    SUPERSEDED = "superseded"


class AllocationSetting(SQLModel, table=True):
    """One expo's application window and allocation rules (weights, quotas, zone rules as JSON)."""

    __tablename__ = "allocation_setting"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", unique=True)
    # While on, exhibitors apply instead of holding booths, and freed booths go to the waiting list.
    applications_only: bool = False
    opens_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    closes_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    offer_hours: int = 48
    payment_days: int = 7
    weights: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    quotas: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    zone_rules: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    fairness_by: FairnessBy = Field(default=FairnessBy.CLASS, sa_type=sa.String(16))
    fairness_max_gap: int = 10
    max_per_stand: int = 3
    time_limit_s: float = 5.0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class BoothAllocation(SQLModel, table=True):
    """The organiser's overrides of a booth's allocation facts (None: derived from the floor plan)."""

    __tablename__ = "booth_allocation"

    id: int | None = Field(default=None, primary_key=True)
    booth_id: int = Field(foreign_key="booth.id", ondelete="CASCADE", unique=True)
    position_score: int | None = None
    accessible: bool | None = None
    capacity: int | None = None


# --- the stored result of a run (``AllocationRun.result``): the solver's Outcome as JSON -------------
# Defaults let rows stored before a field existed read back; unknown keys are ignored.
class _Stored(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class StoredReason(_Stored):
    code: str
    params: dict[str, str | int | float] = {}


class StoredExplanation(_Stored):
    application_id: int
    exhibitor_id: int
    rank: int
    placed: bool
    booth_id: int | None
    booth_code: str | None
    reason: StoredReason
    notes: list[StoredReason] = []
    shared_with: list[int] = []
    main: bool = True
    position_score: int | None = None


class StoredStand(_Stored):
    booth_id: int
    booth_code: str
    application_ids: list[int]
    exhibitor_ids: list[int]
    staff_quota_shares: list[int]
    pinned: bool = False


class StoredPriority(_Stored):
    application_id: int
    rank: int
    tier: str
    applied_on: str
    lottery: str


class StoredFairness(_Stored):
    group: str
    placed: int
    mean: float
    worst: int
    best: int


class RunResult(_Stored):
    """What a run decided, validated whenever it is read or written (``AllocationRun.outcome``)."""

    stands: list[StoredStand] = []
    explanations: list[StoredExplanation] = []
    priority: list[StoredPriority] = []
    objective: int = 0
    bound: int = 0
    gap_pct: float = 0.0
    terms: dict[str, int] = {}
    method: str = ""
    optimal: bool = False
    timed_out: bool = False
    solve_s: float = 0.0
    fairness: list[StoredFairness] = []
    fairness_gap: float = 0.0
    competitor_pairs_adjacent: int = 0
    placed: int = 0
    unplaced: int = 0
    seed: int = 0


class AllocationRun(SQLModel, table=True):
    """A dry run of the allocator: its inputs (seed, settings, pins, the state it saw) and its result."""

    __tablename__ = "allocation_run"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    status: RunStatus = Field(default=RunStatus.DRAFT, sa_type=sa.String(16))
    seed: int
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    pins: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    basis: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)  # a RunResult: use ``outcome``
    objective: int = 0
    bound: int = 0
    placed: int = 0
    unplaced: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    committed_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    committed_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")

    @property
    def outcome(self) -> RunResult:
        """The stored result, validated."""
        return RunResult.model_validate(self.result or {})

    @outcome.setter
    def outcome(self, value: RunResult) -> None:
        self.result = RunResult.model_validate(value).model_dump(mode="json")
