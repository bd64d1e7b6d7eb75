"""Tables of exhibitors' documents and their review.

A document is one uploaded file of a kind, with its number and dates; the desk approves it, refuses
it with a reason, or asks for it again. A new upload of the same kind never overwrites the old row:
the old one stays as history (``replaced``), so what was approved, and when, can always be shown.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class DocumentKind(StrEnum):
    NIB = "nib"  # the NIB printout from the OSS system
    INSTITUTION_LETTER = "institution_letter"  # a letter of the pesantren or the Koppontren / cooperative
    HALAL = "halal"  # halal certificate
    PIRT = "pirt"  # P-IRT registration (home industry food)
    BPOM = "bpom"  # BPOM registration
    PRODUCT_PHOTO = "product_photo"


class DocumentStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the desk
    APPROVED = "approved"
    REJECTED = "rejected"  # refused, with a reason
    RESUBMIT = "resubmit"  # the desk asks for it again (unreadable, out of date, ...), with a reason
    REPLACED = "replaced"  # a newer upload of the same kind took its place


class Badge(StrEnum):
    """What a profile may say was verified: only from an approved, unexpired document."""

    NIB_VERIFIED = "nib_verified"
    INSTITUTION_VERIFIED = "institution_verified"
    HALAL = "halal"
    PIRT = "pirt"
    BPOM = "bpom"


class ExhibitorDocument(SQLModel, table=True):
    __tablename__ = "exhibitor_document"
    __table_args__ = (
        sa.Index("ix_exhibitor_document_exhibitor_kind", "exhibitor_id", "kind"),
        sa.Index("ix_exhibitor_document_expo_status", "expo_id", "status", "uploaded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE")
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="CASCADE")
    kind: DocumentKind = Field(sa_type=sa.String(24))
    number: str | None = Field(default=None, sa_type=sa.String(60))  # NIB, certificate or registration number
    issued_on: date | None = None
    expires_on: date | None = None  # for what expires (halal certificates, letters); none for the NIB
    file_key: str = Field(sa_type=sa.String(200))  # in expo.storage
    file_name: str = Field(sa_type=sa.String(160))  # as the exhibitor named it, for the download
    content_type: str = Field(sa_type=sa.String(60))
    size: int
    status: DocumentStatus = Field(default=DocumentStatus.SUBMITTED, sa_type=sa.String(16))
    reason: str | None = Field(default=None, sa_type=sa.String(300))
    uploaded_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    reviewed_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reviewed_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
