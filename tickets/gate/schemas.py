"""Request and response shapes of gates, devices, scans and sync batches."""

from datetime import date, datetime, time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from expo.formatting import utcnow
from expo.text import RAW, CleanInput
from expo.timestamps import UtcDateTime
from tickets.gate.models import Direction, GateDirections, Reentry, ScanReason, ScanStatus

MAX_SCAN_TEXT = 1024  # a pass token is ~100 characters; anything over 1 KB is refused with 422
MAX_SYNC_BATCH = 500
ClientScanId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class _In(CleanInput):
    """Requests of gates and devices: unknown fields refused, no control characters (``expo.text``)."""

    model_config = ConfigDict(extra="forbid")


class GateCreate(_In):
    name: str = Field(min_length=1, max_length=60)
    hall_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    directions: GateDirections = GateDirections.BOTH
    kind_codes: list[Annotated[str, Field(min_length=1, max_length=24)]] = Field(default_factory=list, max_length=50)
    opens_at: time | None = None
    closes_at: time | None = None


class GateRead(BaseModel):
    id: int
    expo_id: int
    name: str
    hall_id: int | None
    directions: GateDirections
    kind_codes: list[str]
    opens_at: time | None
    closes_at: time | None


class DeviceCreate(_In):
    name: str = Field(min_length=1, max_length=60)


class DeviceRead(BaseModel):
    id: int
    gate_id: int
    name: str
    paired: bool
    revoked: bool
    created_at: UtcDateTime
    last_seen_at: UtcDateTime | None


class PairingCode(BaseModel):
    """Shown once to the organiser as a QR / code; the phone exchanges it for its own token."""

    device: DeviceRead
    pairing_code: str
    pair_url: str
    expires_at: UtcDateTime


class PairIn(_In):
    pairing_code: str = Field(min_length=1, max_length=40)


class DeviceToken(BaseModel):
    """The device's secret, shown once: send it as ``Authorization: Device <token>``."""

    device_id: int
    gate_id: int
    gate_name: str
    expo_id: int
    token: str


class ReentryIn(_In):
    reentry: Reentry


MAX_OFFSET_MS = 30 * 86_400_000  # a month either way: more is no clock, it is noise


class ScanIn(_In):
    """``scanned_at`` on the device's corrected clock; ``clock_offset_ms`` the correction it applied
    (server time minus its own clock, learnt from the server's answers), so its own clock read
    ``scanned_at - clock_offset_ms``."""

    # Whatever the camera read: garbage is a refused scan (an answer), never a 422 that would refuse
    # a whole offline batch; it is parsed, not stored.
    text: Annotated[str, RAW] = Field(max_length=MAX_SCAN_TEXT)
    direction: Direction = Direction.ENTRY
    client_scan_id: ClientScanId
    scanned_at: datetime
    clock_offset_ms: int = Field(default=0, ge=-MAX_OFFSET_MS, le=MAX_OFFSET_MS)


class OfflineScanIn(ScanIn):
    """A scan decided on the device while offline; ``device_status`` is what it showed and, for a
    refusal, ``device_reason`` the reason it gave (a scan reason code, or ``unverifiable``). Any text is
    accepted there, so a newer phone's reason never refuses a whole batch; an unknown one is stored as
    ``unverifiable`` (``checkin._device_refusal``)."""

    device_status: Annotated[str, Field(pattern=r"^(ok|refused)$")] | None = None
    device_reason: str | None = Field(default=None, max_length=32)


class SyncIn(_In):
    """``sent_at``: the device's (corrected) clock when it sent the batch; against the server's clock it
    gives the device's offset now, by which the batch's times are shifted (docs/gate.md)."""

    scans: list[OfflineScanIn] = Field(max_length=MAX_SYNC_BATCH)
    sent_at: datetime | None = None


class ScanResult(BaseModel):
    scan_id: int
    client_scan_id: str
    status: ScanStatus
    reason: ScanReason  # ok or a refusal code (docs/gate.md)
    direction: Direction
    gate_id: int
    holder_name: str | None = None
    kind: str | None = None
    kind_name: str | None = None
    organisation: str | None = None
    booth: str | None = None
    pass_code: str | None = None
    serial: int | None = None
    scanned_at: UtcDateTime
    received_at: UtcDateTime
    device_scanned_at: UtcDateTime | None = None
    clock_skewed: bool = False
    offline: bool = False
    conflict: bool = False
    annulled: bool = False
    replay: bool = False
    server_time: UtcDateTime = Field(default_factory=utcnow)  # for the scanner's clock offset


class SyncResult(BaseModel):
    results: list[ScanResult]
    stored: int
    duplicates: int
    conflicts: int
    server_time: UtcDateTime = Field(default_factory=utcnow)


class AnnulIn(_In):
    reason: str = Field(min_length=1, max_length=200)


class ResetIn(_In):
    confirm: Annotated[str, Field(pattern=r"^reset$")]


class CloseDayResult(BaseModel):
    checked_out: int


class ResetResult(BaseModel):
    deleted_scans: int


class OfflineKind(BaseModel):
    """A pass kind as an offline scanner decides on it: its hours (expo-local; both ``None``: the day's
    opening hours apply) and its re-entry rule in force (the organiser's, else the default)."""

    number: int
    code: str
    name: str
    staff: bool
    opens_at: time | None
    closes_at: time | None
    reentry: Reentry


class OfflineDay(BaseModel):
    """One expo day and its opening hours (expo-local); a date without a row has no day hours."""

    day: date
    opens_at: time
    closes_at: time


class GateContext(BaseModel):
    """What a paired scanner needs to decide alone: its gate (with its own hours), the expo's time zone
    and days with their hours, and the pass kinds with their hours and re-entry rules."""

    device_id: int
    device_name: str
    gate: GateRead
    expo_id: int
    timezone: str
    kinds: dict[int, str]  # token kind number -> kind code (kept for older scanner pages)
    kind_rules: dict[str, OfflineKind] = Field(default_factory=dict)  # kind code -> hours and re-entry
    days: list[OfflineDay] = Field(default_factory=list)
    server_time: UtcDateTime = Field(default_factory=utcnow)  # the scanner learns its clock offset from it


class OfflinePass(BaseModel):
    id: int
    serial: int
    code: str
    holder_name: str
    kind: str
    days: list[str]
    active: bool
    updated_at: UtcDateTime


class OfflinePassList(BaseModel):
    """A page of the expo's passes changed after ``cursor`` (all without one), in (``updated_at``,
    ``id``) order; keep ``next_cursor`` and ask ``cursor=next_cursor`` until ``complete``, and again
    later for what changed since (docs/gate.md, "Offline data")."""

    cursor: str | None = None
    next_cursor: str
    complete: bool
    passes: list[OfflinePass]


class RecentScan(BaseModel):
    """One line of the dashboard's list of scans (newest first), for supervisors to annul a mistake."""

    scan_id: int
    scanned_at: UtcDateTime
    gate: str
    direction: Direction
    status: ScanStatus
    reason: ScanReason
    holder_name: str | None
    pass_code: str | None
    kind: str | None
    offline: bool
    conflict: bool
    annulled: bool
    annul_reason: str | None
    clock_skewed: bool = False
    device_scanned_at: UtcDateTime | None = None


class CheckinStats(BaseModel):
    """The live dashboard: the expo's current day in its own time zone."""

    day: date
    inside_now: int = 0
    entries_today: int = 0
    exits_today: int = 0
    per_gate: dict[str, dict[str, int]] = Field(default_factory=dict)
    per_kind: dict[str, int] = Field(default_factory=dict)
    per_hour: list[int] = Field(default_factory=lambda: [0] * 24)
    refused_by_reason: dict[str, int] = Field(default_factory=dict)
    conflicts: int = 0


class GateStaffView(BaseModel):
    """A gate-staff account's own gate and its counts today (``inside_now`` is the whole expo's)."""

    gate: GateRead
    stats: CheckinStats
