"""What the lead scanner sends and is answered."""

from pydantic import BaseModel, ConfigDict, Field


class ScanIn(BaseModel):
    """What the scanner page sends: the text of a QR code, or a printed code typed by hand."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=1024)


class ScanOut(BaseModel):
    """A saved lead, as the scanner shows it (the contact itself stays on the list page)."""

    lead_id: int
    new: bool
    name: str
    organisation: str | None
    with_contact: bool
