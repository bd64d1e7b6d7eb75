"""Tables of gate check-ins: gates, paired scanner devices, per-pass presence, scans, re-entry rules."""

from datetime import datetime, time
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class Direction(StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class GateDirections(StrEnum):
    BOTH = "both"
    ENTRY = "entry"
    EXIT = "exit"


class Reentry(StrEnum):
    """May a pass that is inside enter again? ``after_exit``: only after an exit scan; ``any``: always
    (staff walking in and out); ``once``: one entry ever."""

    AFTER_EXIT = "after_exit"
    ANY = "any"
    ONCE = "once"


class DeviceStatus(StrEnum):
    """Where a paired scanner stands (``tickets.gate.devices.device_status``)."""

    REVOKED = "revoked"
    PAIRED = "paired"
    WAITING = "waiting"  # a pairing code is out and not yet used
    EXPIRED = "expired"  # the pairing code ran out unused


class ScanStatus(StrEnum):
    OK = "ok"
    REFUSED = "refused"


class ScanReason(StrEnum):
    """Why a scan was refused, in the order the decision checks (tickets/gate/checkin.py); ``ok``: admitted."""

    OK = "ok"
    INVALID = "invalid"
    INVALID_SIGNATURE = "invalid_signature"
    WRONG_EXPO = "wrong_expo"
    WRONG_DIRECTION = "wrong_direction"
    REVOKED = "revoked"
    NOT_VALID_TODAY = "not_valid_today"
    EXPO_OVER = "expo_over"  # check 6 after the expo's last day: the expo is over, not just the pass
    OUTSIDE_HOURS = "outside_hours"
    KIND_NOT_ADMITTED = "kind_not_admitted"
    ALREADY_INSIDE = "already_inside"
    UNVERIFIABLE = "unverifiable"  # only from an offline phone: it could not check the pass alone


class Gate(SQLModel, table=True):
    """A gate: its hall, which directions it scans, which pass kinds it admits (empty: all) and its hours
    (``None``: each kind's or day's own)."""

    __tablename__ = "gate"
    __table_args__ = (sa.UniqueConstraint("expo_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    name: str = Field(sa_type=sa.String(60))
    hall_id: int | None = Field(default=None, foreign_key="hall.id", ondelete="SET NULL")
    directions: GateDirections = Field(default=GateDirections.BOTH, sa_type=sa.String(8))
    kind_codes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    opens_at: time | None = None
    closes_at: time | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class GateDevice(SQLModel, table=True):
    """A phone or scanner paired to a gate. Only SHA-256 digests of its pairing code and token are kept."""

    __tablename__ = "gate_device"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    gate_id: int = Field(foreign_key="gate.id", ondelete="CASCADE", index=True)
    name: str = Field(sa_type=sa.String(60))
    pairing_hash: str | None = Field(default=None, sa_type=sa.String(64), unique=True)
    pairing_expires_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    token_hash: str | None = Field(default=None, sa_type=sa.String(64), unique=True)
    created_by_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    paired_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    revoked_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    last_seen_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)


class KindEntryRule(SQLModel, table=True):
    """The organiser's re-entry rule for one pass kind (without a row: staff kinds ``any``, others
    ``after_exit``)."""

    __tablename__ = "kind_entry_rule"

    kind_id: int = Field(primary_key=True, foreign_key="pass_kind.id", ondelete="CASCADE")
    reentry: Reentry = Field(sa_type=sa.String(16))


class PassPresence(SQLModel, table=True):
    """Whether a pass is inside now. Check-ins lock this row; admission is a conditional update of
    ``inside`` so one entry wins even when two gates scan at the same instant."""

    __tablename__ = "pass_presence"
    __table_args__ = (sa.Index("ix_pass_presence_expo_inside", "expo_id", "inside"),)

    pass_id: int = Field(primary_key=True, foreign_key="expo_pass.id", ondelete="CASCADE")
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE")
    inside: bool = False
    entries: int = 0
    last_scan_id: int | None = None
    # When the move that set ``inside`` happened (the scan's time, UTC): an offline scan synced later
    # but scanned earlier is stored without moving the pass back.
    moved_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class GateStaff(SQLModel, table=True):
    """A gate-staff account's gate, set by an organiser: the account sees that gate's counts and pairs
    and unpairs its own phones to it (one gate per account at a time)."""

    __tablename__ = "gate_staff"

    user_id: int = Field(primary_key=True, foreign_key="user.id", ondelete="CASCADE")
    gate_id: int = Field(foreign_key="gate.id", ondelete="CASCADE", index=True)
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class Scan(SQLModel, table=True):
    """One scan, admitted or refused, stored once per device and client scan id. ``scanned_at`` is when
    the scan is taken to have happened (the device's time, corrected by its known clock offset, or the
    server's receive time when that is not plausible: docs/gate.md "Scan times"), ``device_scanned_at``
    what the device claimed, ``clock_skewed`` that the device's clock was off; ``received_at`` is the
    server's; ``device_status`` is what an offline device showed, and ``conflict`` marks an offline
    admission the server would have refused, or an offline refusal it would have admitted (the scan
    stays the refusal the gate made)."""

    __tablename__ = "scan"
    __table_args__ = (
        sa.UniqueConstraint("device_id", "client_scan_id"),
        sa.Index("ix_scan_expo_scanned", "expo_id", "scanned_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE")
    gate_id: int = Field(foreign_key="gate.id", ondelete="CASCADE", index=True)
    device_id: int = Field(foreign_key="gate_device.id", ondelete="CASCADE")
    client_scan_id: str = Field(sa_type=sa.String(64))
    pass_id: int | None = Field(default=None, foreign_key="expo_pass.id", ondelete="CASCADE", index=True)
    serial: int | None = Field(default=None, sa_type=sa.BigInteger())
    kind_code: str | None = Field(default=None, sa_type=sa.String(24))
    direction: Direction = Field(sa_type=sa.String(8))
    status: ScanStatus = Field(sa_type=sa.String(8))
    reason: ScanReason = Field(sa_type=sa.String(24))
    offline: bool = False
    device_status: ScanStatus | None = Field(default=None, sa_type=sa.String(8))
    conflict: bool = False
    scanned_at: datetime = Field(sa_type=TIMESTAMP)
    device_scanned_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    clock_skewed: bool = False
    received_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    annulled_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    annulled_by_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    annul_reason: str | None = Field(default=None, sa_type=sa.String(200))
