"""Exhibitors' documents: the upload, who may see a file, the desk's queue and its review, and what an
approved document unlocks.

Who sees what: a document belongs to its exhibitor; only that exhibitor's account and the expo's
committee members who work with exhibitors (registration desk, organiser, ...: ``Area.EXHIBITORS``) may
see it or its file. Anyone else gets "not found", as if it did not exist.

A new upload of a kind takes the place of the exhibitor's earlier ones of that kind (they become
``replaced``: the history stays, and a replaced approval gives no badge any more, since the new file
is only claimed until the desk looks at it). Product photos are the exception: an exhibitor shows
several, up to :data:`MAX_PRODUCT_PHOTOS` at a time.

A review happens once: the document moves from ``submitted`` by one compare-and-set UPDATE, so of two
desk members pressing at the same moment one decides and the other is told it was already reviewed.

Approval unlocks the class: when the documents a class needs (:func:`required_kinds`) are approved and
unexpired, an exhibitor whose class still waits for the organisers' approval is approved by them
(``booths.exhibitors.approval.decide``, audit action ``exhibitor.approved_by_documents``).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.documents.badges import gives_badge, verified_badges
from booths.documents.models import Badge, DocumentKind, DocumentStatus, ExhibitorDocument
from booths.exhibitors.models import Approval, Exhibitor, ExhibitorClass
from booths.exhibitors.service import audit_subject, lock_exhibitor
from booths.venue import lifecycle
from booths.venue.models import Expo
from expo import audit
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.i18n import N_
from expo.permissions import Area
from expo.storage import Storage, new_key
from expo.uploads import IMAGES, IMAGES_AND_PDF, CheckedFile, Kind

MAX_PRODUCT_PHOTOS = 6
# Uploads an exhibitor may make in a day: plenty for a careful one who re-sends, not a flood.
MAX_UPLOADS_PER_DAY = 30
# Kinds whose number the desk needs to check against the register (OSS, BPJPH, Dinkes, BPOM).
NUMBER_REQUIRED = frozenset({DocumentKind.NIB, DocumentKind.HALAL, DocumentKind.PIRT, DocumentKind.BPOM})
# Letters, digits, spaces and the marks registers use ("MD 231234567890", "P-IRT 2063507010123-26", "ID35/...").
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,59}$")
# Institutions whose class needs their letter (a pesantren, or the cooperative of one).
INSTITUTION_CLASSES = frozenset({ExhibitorClass.PESANTREN, ExhibitorClass.KOPERASI})
OLDEST_ISSUE = date(1945, 8, 17)
REVIEWABLE = (DocumentStatus.SUBMITTED,)
# The statuses a document has while it is the exhibitor's current one of its kind.
CURRENT = (DocumentStatus.SUBMITTED, DocumentStatus.APPROVED, DocumentStatus.REJECTED, DocumentStatus.RESUBMIT)


def _not_found() -> NotFound:
    return NotFound(N_("No such document."), code="document_not_found")


def _field(code: str, field: str, message: str, **params: object) -> InvalidInput:
    return InvalidInput(message, code=code, params=params, fields=[FieldProblem(field, message, params)])


def allowed_files(kind: DocumentKind) -> frozenset[Kind]:
    """A product photo is a picture; every other document may also be a PDF (the OSS printout is one)."""
    return IMAGES if kind == DocumentKind.PRODUCT_PHOTO else IMAGES_AND_PDF


def required_kinds(exhibitor_class: str) -> tuple[DocumentKind, ...]:
    """What the desk must have approved before an exhibitor's class is taken as true: the NIB for
    everyone, and the institution's letter for a pesantren or its cooperative."""
    if exhibitor_class in INSTITUTION_CLASSES:
        return (DocumentKind.NIB, DocumentKind.INSTITUTION_LETTER)
    return (DocumentKind.NIB,)


async def expo_today(session: AsyncSession, expo_id: int) -> date:
    expo = await session.get(Expo, expo_id)
    if expo is None:
        raise _not_found()
    return lifecycle.expo_today(expo)


def is_expired(document: ExhibitorDocument, today: date) -> bool:
    return document.expires_on is not None and document.expires_on < today


@dataclass(frozen=True)
class DocumentIn:
    """What the exhibitor typed beside the file (already parsed into types by the page)."""

    kind: DocumentKind
    number: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    file_name: str = ""


def clean_number(kind: DocumentKind, number: str) -> str | None:
    """The document's number, spaces tidied; refused when it has other characters or is missing."""
    text = " ".join(number.split())
    if not text:
        if kind in NUMBER_REQUIRED:
            raise _field("document_number_required", "number", N_("Type the number written on the document."))
        return None
    if kind == DocumentKind.NIB:
        digits = text.replace(" ", "").replace(".", "").replace("-", "")
        if not (digits.isdigit() and len(digits) == 13):
            raise _field("document_nib", "number", N_("An NIB has 13 digits."))
        return digits
    if not _NUMBER.match(text):
        raise _field(
            "document_number",
            "number",
            N_("Use only letters, digits, spaces and the marks . / - in the number (at most 60)."),
        )
    return text


def clean_file_name(name: str) -> str:
    """The name the exhibitor's file had, for its download: printable characters, no folders."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in base if c.isprintable()).strip()
    return text[:160] or "document"


def check_dates(data: DocumentIn, today: date) -> None:
    if data.issued_on is not None:
        if data.issued_on > today:
            raise _field("document_issued_future", "issued_on", N_("The date of issue cannot be in the future."))
        if data.issued_on < OLDEST_ISSUE:
            raise _field("document_issued_old", "issued_on", N_("Check the date of issue."))
    if data.expires_on is not None:
        if data.issued_on is not None and data.expires_on <= data.issued_on:
            raise _field(
                "document_expiry_order", "expires_on", N_("The expiry date must come after the date of issue.")
            )
        if data.expires_on < today:
            raise _field(
                "document_expired", "expires_on", N_("This document has expired. Please send the renewed one.")
            )


async def exhibitor_for_user(session: AsyncSession, exhibitor_id: int, user: CurrentUser) -> Exhibitor:
    """The exhibitor, if it is the asking account's own (anyone else's is "not found")."""
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    if exhibitor is None or exhibitor.user_id is None or exhibitor.user_id != user.id:
        raise NotFound(N_("There is no exhibitor registration for this account."), code="exhibitor_not_found")
    return exhibitor


async def submit_document(
    session: AsyncSession,
    storage: Storage,
    exhibitor_id: int,
    *,
    user: CurrentUser,
    data: DocumentIn,
    file: CheckedFile,
) -> ExhibitorDocument:
    """An exhibitor's document of its own. It takes the place of its earlier ones of the kind (product
    photos excepted). The file is stored last, after every rule passed, so a refusal leaves no file."""
    exhibitor = await exhibitor_for_user(session, exhibitor_id, user)
    if file.kind not in allowed_files(data.kind):
        raise _field("upload_wrong_type", "file", N_("A product photo must be a picture: JPEG, PNG or WebP."))
    number = clean_number(data.kind, data.number)
    today = await expo_today(session, exhibitor.expo_id)
    check_dates(data, today)
    # Serialised per exhibitor: two uploads of one kind at once leave exactly one current document.
    await lock_exhibitor(session, exhibitor_id)
    recent = await session.scalar(
        sa.select(sa.func.count())
        .select_from(ExhibitorDocument)
        .where(
            col(ExhibitorDocument.exhibitor_id) == exhibitor_id,
            col(ExhibitorDocument.uploaded_at) > utcnow() - timedelta(days=1),
        )
    )
    if (recent or 0) >= MAX_UPLOADS_PER_DAY:
        raise Conflict(
            N_("You sent %(count)s documents today; please wait for the desk's review before sending more."),
            code="documents_too_many",
            params={"count": MAX_UPLOADS_PER_DAY},
        )
    current = sa.and_(
        col(ExhibitorDocument.exhibitor_id) == exhibitor_id,
        col(ExhibitorDocument.kind) == data.kind,
        col(ExhibitorDocument.status).in_(CURRENT),
    )
    if data.kind == DocumentKind.PRODUCT_PHOTO:
        shown = await session.scalar(
            sa.select(sa.func.count())
            .select_from(ExhibitorDocument)
            .where(current, col(ExhibitorDocument.status) != DocumentStatus.REJECTED)
        )
        if (shown or 0) >= MAX_PRODUCT_PHOTOS:
            raise _field(
                "documents_photos_full", "kind", N_("You have %(count)s product photos already."),
                count=MAX_PRODUCT_PHOTOS,
            )  # fmt: skip
    else:
        await session.execute(
            sa.update(ExhibitorDocument)
            .where(current)
            .values(status=DocumentStatus.REPLACED)
            .execution_options(synchronize_session=False)
        )
    key = new_key(f"documents/{exhibitor.expo_id}", file.content_type)
    document = ExhibitorDocument(
        expo_id=exhibitor.expo_id,
        exhibitor_id=exhibitor_id,
        kind=data.kind,
        number=number,
        issued_on=data.issued_on,
        expires_on=data.expires_on,
        file_key=key,
        file_name=clean_file_name(data.file_name),
        content_type=file.content_type,
        size=len(file.data),
        uploaded_by=user.id,
    )
    session.add(document)
    await session.flush()
    await storage.put(key, file.data, file.content_type)
    return document


async def documents_of_exhibitor(session: AsyncSession, exhibitor_id: int) -> list[ExhibitorDocument]:
    """Every document of an exhibitor, history included, the newest first."""
    stmt = (
        sa.select(ExhibitorDocument)
        .where(col(ExhibitorDocument.exhibitor_id) == exhibitor_id)
        .order_by(col(ExhibitorDocument.uploaded_at).desc(), col(ExhibitorDocument.id).desc())
    )
    return list((await session.scalars(stmt)).all())


async def document_for_viewer(session: AsyncSession, document_id: int, user: CurrentUser) -> ExhibitorDocument:
    """A document the asker may see: its exhibitor's account, or the expo's committee for exhibitors."""
    document = await session.get(ExhibitorDocument, document_id)
    if document is None:
        raise _not_found()
    if user.may(document.expo_id, Area.EXHIBITORS):
        return document
    owner = await session.scalar(sa.select(col(Exhibitor.user_id)).where(col(Exhibitor.id) == document.exhibitor_id))
    if owner is None or owner != user.id:
        raise _not_found()
    return document


# --- what the exhibitor and the organisers see of one exhibitor ----------------------------------
@dataclass(frozen=True)
class KindShelf:
    """One kind of document of an exhibitor: its current ones and the ones they replaced."""

    kind: DocumentKind
    current: list[ExhibitorDocument]
    history: list[ExhibitorDocument]
    required: bool


@dataclass(frozen=True)
class Requirement:
    """A document the exhibitor's class needs, and whether the desk has approved it (unexpired)."""

    kind: DocumentKind
    met: bool
    status: DocumentStatus | None  # of the current document, if there is one


@dataclass(frozen=True)
class DocumentSummary:
    """Everything about one exhibitor's documents a page shows."""

    shelves: list[KindShelf]
    badges: list[Badge]
    requirements: list[Requirement]
    today: date

    @property
    def complete(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def missing(self) -> list[DocumentKind]:
        return [r.kind for r in self.requirements if not r.met]


def requirements_of(exhibitor: Exhibitor, documents: list[ExhibitorDocument], today: date) -> list[Requirement]:
    found: list[Requirement] = []
    for kind in required_kinds(str(exhibitor.exhibitor_class)):
        mine = [d for d in documents if d.kind == kind and d.status in CURRENT]
        met = any(d.status == DocumentStatus.APPROVED and not is_expired(d, today) for d in mine)
        found.append(Requirement(kind, met, DocumentStatus(mine[0].status) if mine else None))
    return found


async def summary(session: AsyncSession, exhibitor: Exhibitor) -> DocumentSummary:
    assert exhibitor.id is not None
    today = await expo_today(session, exhibitor.expo_id)
    documents = await documents_of_exhibitor(session, exhibitor.id)
    required = set(required_kinds(str(exhibitor.exhibitor_class)))
    shelves = [
        KindShelf(
            kind=kind,
            current=[d for d in documents if d.kind == kind and d.status in CURRENT],
            history=[d for d in documents if d.kind == kind and d.status == DocumentStatus.REPLACED],
            required=kind in required,
        )
        for kind in DocumentKind
    ]
    badges = [b for d in documents if (b := gives_badge(d, today)) is not None]
    order = list(Badge)
    return DocumentSummary(
        shelves=shelves,
        badges=sorted(set(badges), key=order.index),
        requirements=requirements_of(exhibitor, documents, today),
        today=today,
    )


async def badges_of(session: AsyncSession, exhibitor_ids: list[int], expo_id: int) -> dict[int, list[Badge]]:
    """The badges of many exhibitors of one expo, on the expo's today (for lists)."""
    return await verified_badges(session, exhibitor_ids, await expo_today(session, expo_id))


async def documents_complete(session: AsyncSession, exhibitors: list[Exhibitor]) -> dict[int, bool]:
    """Per exhibitor (of one expo): whether the documents its class needs are approved and unexpired."""
    ids = [e.id for e in exhibitors if e.id is not None]
    if not ids:
        return {}
    today = await expo_today(session, exhibitors[0].expo_id)
    rows = (
        await session.scalars(
            sa.select(ExhibitorDocument).where(
                col(ExhibitorDocument.exhibitor_id).in_(ids),
                col(ExhibitorDocument.status) == DocumentStatus.APPROVED,
            )
        )
    ).all()
    by_exhibitor: dict[int, list[ExhibitorDocument]] = {}
    for row in rows:
        by_exhibitor.setdefault(row.exhibitor_id, []).append(row)
    return {
        e.id: all(r.met for r in requirements_of(e, by_exhibitor.get(e.id, []), today))
        for e in exhibitors
        if e.id is not None
    }


# --- the desk's queue and review -----------------------------------------------------------------
@dataclass(frozen=True)
class QueueItem:
    document: ExhibitorDocument
    exhibitor: Exhibitor
    nib_differs: bool  # an NIB document whose number is not the NIB the exhibitor registered with


async def review_queue(
    session: AsyncSession,
    expo_id: int,
    user: CurrentUser,
    *,
    kind: DocumentKind | None = None,
    status: DocumentStatus = DocumentStatus.SUBMITTED,
    limit: int = 200,
) -> list[QueueItem]:
    """An expo's documents of a status (waiting ones by default), the oldest first."""
    if not user.may(expo_id, Area.EXHIBITORS):
        raise _not_found()
    stmt = (
        sa.select(ExhibitorDocument, Exhibitor)
        .join(Exhibitor, col(Exhibitor.id) == col(ExhibitorDocument.exhibitor_id))
        .where(col(ExhibitorDocument.expo_id) == expo_id, col(ExhibitorDocument.status) == status)
    )
    if kind is not None:
        stmt = stmt.where(col(ExhibitorDocument.kind) == kind)
    if status == DocumentStatus.SUBMITTED:
        stmt = stmt.order_by(col(ExhibitorDocument.uploaded_at), col(ExhibitorDocument.id))
    else:  # decided ones: the latest decision first
        stmt = stmt.order_by(col(ExhibitorDocument.reviewed_at).desc(), col(ExhibitorDocument.id).desc())
    rows = (await session.execute(stmt.limit(limit))).all()
    return [
        QueueItem(
            document=document,
            exhibitor=exhibitor,
            nib_differs=(
                document.kind == DocumentKind.NIB and bool(document.number) and document.number != exhibitor.nib
            ),
        )
        for document, exhibitor in rows
    ]


async def waiting_count(session: AsyncSession, expo_id: int) -> int:
    return (
        await session.scalar(
            sa.select(sa.func.count())
            .select_from(ExhibitorDocument)
            .where(col(ExhibitorDocument.expo_id) == expo_id, col(ExhibitorDocument.status) == DocumentStatus.SUBMITTED)
        )
    ) or 0


async def _review(
    session: AsyncSession,
    document_id: int,
    expo_id: int,
    actor: CurrentUser,
    status: DocumentStatus,
    reason: str | None,
) -> ExhibitorDocument:
    """Move a waiting document of this expo to ``status``, once. The UPDATE comes first, so it is also
    the lock: a second reviewer waits here for the first to finish, then finds nothing waiting."""
    if not actor.may(expo_id, Area.EXHIBITORS):
        raise _not_found()
    result = await session.execute(
        sa.update(ExhibitorDocument)
        .where(
            col(ExhibitorDocument.id) == document_id,
            col(ExhibitorDocument.expo_id) == expo_id,
            col(ExhibitorDocument.status) == DocumentStatus.SUBMITTED,
        )
        .values(status=status, reason=reason, reviewed_by=None if actor.everything else actor.id, reviewed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    document = await session.get(ExhibitorDocument, document_id, populate_existing=True)
    if document is None or document.expo_id != expo_id:
        raise _not_found()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        if document.status == DocumentStatus.REPLACED:
            raise Conflict(
                N_("The exhibitor has sent a newer one of this document meanwhile; review that one."),
                code="document_replaced",
            )
        raise Conflict(
            N_("This document was already reviewed by someone else; reload the list."),
            code="document_already_reviewed",
        )
    return document


async def _subject(session: AsyncSession, document: ExhibitorDocument) -> tuple[Exhibitor, str]:
    exhibitor = await session.get(Exhibitor, document.exhibitor_id)
    assert exhibitor is not None
    return exhibitor, audit_subject(exhibitor)


async def approve_document(
    session: AsyncSession, document_id: int, expo_id: int, *, actor: CurrentUser
) -> tuple[ExhibitorDocument, bool]:
    """The desk checked the document against the register: approved. It may give a badge, and when it
    completes what the exhibitor's class needs, a class still waiting for approval is approved (the
    second value says whether it was)."""
    document = await _review(session, document_id, expo_id, actor, DocumentStatus.APPROVED, None)
    today = await expo_today(session, expo_id)
    if is_expired(document, today):
        raise Conflict(N_("This document has expired; ask the exhibitor for the renewed one."), code="document_expired")
    exhibitor, subject = await _subject(session, document)
    await audit.record(
        session,
        actor,
        expo_id,
        "document.approved",
        subject,
        after={"document": document.kind, "number": document.number},
    )
    return document, await unlock_class(session, exhibitor, actor)


async def unlock_class(session: AsyncSession, exhibitor: Exhibitor, actor: CurrentUser) -> bool:
    """Approve the exhibitor's class when it waits for approval and its needed documents are approved;
    whether it did. A class the organisers rejected stays rejected: documents do not overrule them."""
    if exhibitor.approval != Approval.PENDING or exhibitor.id is None:
        return False
    today = await expo_today(session, exhibitor.expo_id)
    if not all(r.met for r in requirements_of(exhibitor, await documents_of_exhibitor(session, exhibitor.id), today)):
        return False
    from booths.exhibitors.approval import Decision, decide

    await decide(session, exhibitor.id, Decision.APPROVED, actor, audit_action="exhibitor.approved_by_documents")
    return True


async def return_document(
    session: AsyncSession, document_id: int, expo_id: int, *, actor: CurrentUser, reason: str, resubmit: bool
) -> ExhibitorDocument:
    """Reject a document (it is not what it claims, or does not fit) or ask for it again (unreadable,
    out of date, a page missing); either way with a reason the exhibitor reads on its page and in a
    message."""
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise _field("reason_required", "reason", N_("Say why, so the exhibitor knows what to do."))
    status = DocumentStatus.RESUBMIT if resubmit else DocumentStatus.REJECTED
    document = await _review(session, document_id, expo_id, actor, status, reason[:300])
    exhibitor, subject = await _subject(session, document)
    await audit.record(
        session,
        actor,
        expo_id,
        "document.resubmit" if resubmit else "document.rejected",
        subject,
        after={"document": document.kind, "reason": document.reason},
    )
    from booths.documents.notices import document_returned

    await document_returned(session, exhibitor, document, resubmit=resubmit)
    return document
