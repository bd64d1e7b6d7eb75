"""What the exhibitors API accepts and promises: sign-up, records, approval."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from booths.exhibitors.models import Approval, ExhibitorClass
from booths.fields import Email, Name, Nib, ShortCode, Strict, WhatsApp
from expo.text import MULTI_LINE
from expo.timestamps import UtcDateTime


# --- exhibitors -------------------------------------------------------------------------------
class ExhibitorFields(Strict):
    name: Name
    exhibitor_class: ExhibitorClass
    nib: Nib
    pesantren_name: Annotated[str, Field(max_length=160)] | None = None
    regency: Annotated[str, Field(min_length=1, max_length=80)]
    contact_name: Annotated[str, Field(min_length=1, max_length=120)]
    whatsapp: WhatsApp
    email: Email
    cluster: ShortCode | None = None
    description: Annotated[str, Field(max_length=1000), MULTI_LINE] = ""

    @model_validator(mode="after")
    def _pesantren(self) -> "ExhibitorFields":
        if self.exhibitor_class is ExhibitorClass.PESANTREN and not (self.pesantren_name or "").strip():
            raise ValueError("Give the pesantren's name.")
        return self


class ExhibitorSignup(ExhibitorFields):
    password: Annotated[str, Field(min_length=8, max_length=200)]


UnusualNib = Annotated[
    bool,
    Field(
        description="Organisers only: store an NIB that does not look issued by OSS (all one digit, a counting "
        "run), after checking the certificate. Without it such an NIB is refused with `nib_implausible`."
    ),
]


class ExhibitorCreate(ExhibitorFields):
    """Organisers create exhibitors without an account."""

    accept_unusual_nib: UnusualNib = False


class ExhibitorUpdate(Strict):
    name: Name | None = None
    exhibitor_class: ExhibitorClass | None = None
    nib: Nib | None = None
    pesantren_name: Annotated[str, Field(max_length=160)] | None = None
    regency: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    contact_name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    whatsapp: WhatsApp | None = None
    email: Email | None = None
    cluster: ShortCode | None = None
    description: Annotated[str, Field(max_length=1000), MULTI_LINE] | None = None
    accept_unusual_nib: UnusualNib = False


class ExhibitorRead(BaseModel):
    id: int
    expo_id: int
    name: str
    exhibitor_class: ExhibitorClass
    nib: str
    pesantren_name: str | None
    regency: str
    contact_name: str
    whatsapp: str
    email: str
    cluster: str | None
    description: str
    has_account: bool
    email_verified: bool = Field(
        default=False, description="The account's owner followed the link sent to its e-mail address."
    )
    approval: Approval = Field(description="The organiser's decision on the class: pending, approved, rejected.")
    approval_decided_at: UtcDateTime | None = None
    approval_note: str | None = None


class ApprovalIn(Strict):
    decision: Literal["approved", "rejected"]
    note: Annotated[str, Field(max_length=300)] = ""


class SignupResult(BaseModel):
    exhibitor: ExhibitorRead
    token: str = Field(description="A bearer token for the new account (also set as a session cookie).")
