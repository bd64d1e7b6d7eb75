"""What the passes API accepts and promises (tables are never request bodies)."""

import re
import unicodedata
from datetime import date, time
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from booths.exhibitors.validation import normalise_whatsapp
from expo.text import CleanInput
from expo.timestamps import UtcDateTime
from tickets.passes.models import JobStatus, PassAction, PassStatus

VISITOR_CATEGORIES = ("umum", "santri", "pelajar", "mahasiswa")
VisitorCategory = Literal["umum", "santri", "pelajar", "mahasiswa"]
Paper = Literal["a4", "f4"]
MAX_NAME = 100
_SPACES = re.compile(r"\s+")


def clean_name(value: str) -> str:
    """One line of printable text: whitespace collapsed, control characters refused."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if any(unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"} for ch in text):
        raise ValueError("This value has characters that cannot be printed.")
    return text


def _optional_phone(value: str | None) -> str | None:
    return normalise_whatsapp(value) if value and value.strip() else None


def _optional(value: str | None) -> str | None:
    return value.strip() or None if value else None


HolderName = Annotated[str, AfterValidator(clean_name), Field(min_length=1, max_length=MAX_NAME)]
Organisation = Annotated[str, AfterValidator(clean_name), Field(max_length=160)]
Phone = Annotated[str | None, Field(max_length=32), AfterValidator(_optional_phone)]
Email = Annotated[
    str | None,
    Field(max_length=254, pattern=r"^(|[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f]+)$"),
    AfterValidator(_optional),
]
# Free text that reaches the database: no control characters (PostgreSQL refuses NUL in text).
PlainText = Field(pattern=r"^[^\x00-\x1f\x7f]*$")
KindCode = Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[a-z0-9_-]+$")]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Days = Annotated[list[date], Field(max_length=130)]


class Strict(CleanInput):
    """Request bodies: unknown fields refused, no control characters (``expo.text``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- kinds ------------------------------------------------------------------------------------
class PassKindCreate(Strict):
    code: KindCode
    name: Annotated[str, Field(min_length=1, max_length=60), PlainText]
    band_label: Annotated[str, Field(min_length=1, max_length=40), PlainText]
    color: Colour = "#546e7a"
    self_register: bool = False
    days: Days = Field(default_factory=list, description="Empty: every day of the expo.")
    opens_at: time | None = None
    closes_at: time | None = None

    @model_validator(mode="after")
    def _hours(self) -> "PassKindCreate":
        if (self.opens_at is None) != (self.closes_at is None):
            raise ValueError("Give both opening and closing time, or neither.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("Closing time must be after opening time.")
        return self


class PassKindUpdate(Strict):
    name: Annotated[str, Field(min_length=1, max_length=60), PlainText] | None = None
    band_label: Annotated[str, Field(min_length=1, max_length=40), PlainText] | None = None
    color: Colour | None = None
    self_register: bool | None = None
    days: Days | None = None
    opens_at: time | None = None
    closes_at: time | None = None

    @model_validator(mode="after")
    def _hours(self) -> "PassKindUpdate":
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("Closing time must be after opening time.")
        return self


class PassKindRead(BaseModel):
    id: int
    code: str
    number: int = Field(description="The kind's number inside QR tokens.")
    name: str
    band_label: str
    color: str
    staff: bool
    self_register: bool
    days: list[date]
    opens_at: time | None
    closes_at: time | None


# --- passes -----------------------------------------------------------------------------------
class PassCreate(Strict):
    """An organiser issues one pass. Staff passes name the exhibitor (and optionally the booking)."""

    kind: KindCode
    holder_name: HolderName
    phone: Phone = None
    email: Email = None
    organisation: Organisation | None = None
    exhibitor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    booking_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    days: Days | None = Field(default=None, description="Default: every day of the kind.")


class StaffPassCreate(Strict):
    holder_name: HolderName
    phone: Phone = None
    booking_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class PassUpdate(Strict):
    holder_name: HolderName | None = None
    phone: Phone = None
    email: Email = None
    organisation: Organisation | None = None


class RevokeIn(Strict):
    reason: Annotated[str, Field(max_length=200), PlainText] = ""


class PassRead(BaseModel):
    id: int
    expo_id: int
    kind: str
    kind_name: str
    code: str = Field(description="Short code for manual entry, e.g. K7DM-4PXA.")
    holder_name: str
    phone: str | None
    email: str | None
    organisation: str | None
    regency: str | None
    visitor_category: str | None
    exhibitor_id: int | None
    exhibitor_name: str | None
    booking_id: int | None
    booth_code: str | None
    days: list[date]
    status: PassStatus
    issued_at: UtcDateTime
    revoked_at: UtcDateTime | None
    revoke_reason: str | None
    shares_contact: bool = Field(
        default=False, description="Whether the holder lets exhibitors who scan this pass see its phone and e-mail."
    )


class PassWithToken(PassRead):
    token: str | None = Field(description="The QR token (active passes only).")


class PassEventRead(BaseModel):
    at: UtcDateTime
    action: PassAction
    actor_user_id: int | None
    serial: int | None
    note: str | None


class ImportResult(BaseModel):
    created: int
    pass_ids: list[int]


# --- visitors ---------------------------------------------------------------------------------
class VisitorRegistration(Strict):
    holder_name: HolderName
    phone: Phone = None
    email: Email = None
    regency: Annotated[str, AfterValidator(clean_name), Field(min_length=1, max_length=80)]
    category: VisitorCategory
    days: Annotated[list[date], Field(min_length=1, max_length=130)]
    shares_contact: bool = Field(
        default=False,
        description="The visitor agrees that exhibitors who scan this pass may see its phone and e-mail "
        "(off unless asked for; withdrawable on the pass's own page).",
    )


class VisitorPass(PassWithToken):
    access_url: str = Field(description="Secret link to get this pass back later; keep it private.")


# --- staff quotas -----------------------------------------------------------------------------
class QuotaIn(Strict):
    quota: Annotated[int, Field(ge=0, le=100)]


class StaffQuotaRead(BaseModel):
    booking_id: int
    booth_code: str
    package_quota: int
    quota: int
    used: int
    stand_quota: int | None = Field(
        default=None,
        description="On a shared stand: the whole stand's quota, of which `quota` is this exhibitor's share.",
    )


# --- gates ------------------------------------------------------------------------------------
class PublicKeyRead(BaseModel):
    key_id: int
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key: str = Field(description="Raw 32-byte public key, base64url without padding.")
    created_at: UtcDateTime | None = Field(default=None, description="Unknown for keys made before it was noted.")
    signing: bool


class PublicKeys(BaseModel):
    token_format: int
    keys: list[PublicKeyRead]


class RevokedSerial(BaseModel):
    seq: int
    serial: int
    revoked_at: UtcDateTime


class RevocationList(BaseModel):
    expo_id: int
    since: int
    next: int = Field(description="Pass as since= next time.")
    complete: bool = Field(description="False when more entries follow; ask again with since=next.")
    revoked: list[RevokedSerial]


class VerifyIn(Strict):
    token: Annotated[str, Field(min_length=1, max_length=400)]


class VerifyResult(BaseModel):
    valid: bool
    code: str = Field(description="ok, or why not: malformed, unknown_key, bad_signature, wrong_expo, revoked, ...")
    serial: int | None = None
    kind: str | None = None
    days: list[date] = Field(default_factory=list)
    pass_id: int | None = None
    holder_name: str | None = None
    pass_code: str | None = None


# --- batches ----------------------------------------------------------------------------------
class BatchRequest(Strict):
    """Which active passes to print: all of the expo, one kind, one exhibitor's, or a list."""

    kind: KindCode | None = None
    exhibitor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    pass_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(max_length=20_000)] | None = None
    paper: Paper = "a4"
    background: bool = Field(default=False, description="Always run as a job, even when small.")


class JobRead(BaseModel):
    id: int
    status: JobStatus
    paper: str
    total: int
    done: int
    error: str | None
    created_at: UtcDateTime
    finished_at: UtcDateTime | None
    download_url: str | None
