"""The desk's verification, as rules: a review happens once, a new upload replaces the old one (its
badge goes until the new one is approved), an expired approval gives no badge, and the documents a class
needs unlock its approval (never overruling the organisers' rejection)."""

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.documents import service as documents
from booths.documents.badges import verified_badges
from booths.documents.models import Badge, DocumentKind, DocumentStatus, ExhibitorDocument
from booths.exhibitors.approval import Decision, decide
from booths.exhibitors.models import Approval, Exhibitor
from expo.accounts import CurrentUser
from expo.errors import Conflict, InvalidInput, NotFound
from expo.messaging.models import Message
from expo.models import AuditEntry, CommitteeRole, Role
from expo.storage import LocalStorage
from expo.uploads import IMAGES_AND_PDF, check_upload
from tests.booths.documents.support import Client, documents_of, pdf, photo
from tests.support.factories import Venue, make_venue, signup_exhibitor

pytestmark = pytest.mark.anyio

DESK = CurrentUser(id=0, email="", name="Meja pendaftaran", role=Role.ORGANISER, everything=True)


async def _exhibitor(
    client: Client, session: AsyncSession, venue: Venue, **overrides: str
) -> tuple[Exhibitor, CurrentUser]:
    body, _token = await signup_exhibitor(client, venue.expo_id, **overrides)
    exhibitor = await session.get(Exhibitor, int(body["id"]), populate_existing=True)
    assert exhibitor is not None
    assert exhibitor.user_id is not None
    return exhibitor, CurrentUser(id=exhibitor.user_id, email="", name="", role=Role.EXHIBITOR)


async def _upload(
    session: AsyncSession,
    storage: LocalStorage,
    exhibitor: Exhibitor,
    owner: CurrentUser,
    kind: DocumentKind,
    number: str = "",
    **dates: object,
) -> ExhibitorDocument:
    assert exhibitor.id is not None
    checked = check_upload(pdf(), allowed=IMAGES_AND_PDF, max_bytes=5_000_000)
    entry = documents.DocumentIn(kind=kind, number=number, file_name="scan.pdf", **dates)  # type: ignore[arg-type]
    return await documents.submit_document(session, storage, exhibitor.id, user=owner, data=entry, file=checked)


async def test_only_approved_unexpired_documents_give_badges_and_a_new_upload_replaces(
    client: Client, session: AsyncSession, tmp_path: Path
) -> None:
    venue = await make_venue(session)
    storage = LocalStorage(tmp_path)
    exhibitor, owner = await _exhibitor(client, session, venue, exhibitor_class="umkm")
    assert exhibitor.id is not None
    today = await documents.expo_today(session, venue.expo_id)
    nib = await _upload(session, storage, exhibitor, owner, DocumentKind.NIB, exhibitor.nib)
    halal = await _upload(
        session,
        storage,
        exhibitor,
        owner,
        DocumentKind.HALAL,
        "ID35110000123450124",
        expires_on=today + timedelta(days=10),
    )
    # Claimed, not verified: no badge at all.
    assert await verified_badges(session, [exhibitor.id], today) == {}
    assert nib.id is not None
    assert halal.id is not None
    await documents.approve_document(session, nib.id, venue.expo_id, actor=DESK)
    await documents.approve_document(session, halal.id, venue.expo_id, actor=DESK)
    assert (await verified_badges(session, [exhibitor.id], today))[exhibitor.id] == [Badge.NIB_VERIFIED, Badge.HALAL]
    # The day after the certificate runs out, only the NIB badge is left.
    later = today + timedelta(days=11)
    assert (await verified_badges(session, [exhibitor.id], later))[exhibitor.id] == [Badge.NIB_VERIFIED]
    # A new NIB upload replaces the approved one: only claimed again until the desk approves it.
    again = await _upload(session, storage, exhibitor, owner, DocumentKind.NIB, exhibitor.nib)
    statuses = {d.id: d.status for d in await documents_of(session, exhibitor.id)}
    assert statuses == {
        nib.id: DocumentStatus.REPLACED,
        halal.id: DocumentStatus.APPROVED,
        again.id: DocumentStatus.SUBMITTED,
    }
    assert (await verified_badges(session, [exhibitor.id], today))[exhibitor.id] == [Badge.HALAL]
    summary = await documents.summary(session, exhibitor)
    assert summary.badges == [Badge.HALAL]
    [nib_shelf] = [s for s in summary.shelves if s.kind == DocumentKind.NIB]
    assert [d.id for d in nib_shelf.current] == [again.id]
    assert [d.id for d in nib_shelf.history] == [nib.id]
    # A replaced document can no longer be reviewed.
    with pytest.raises(Conflict) as replaced:
        await documents.approve_document(session, nib.id, venue.expo_id, actor=DESK)
    assert replaced.value.code == "document_replaced"


async def test_a_review_happens_once_and_needs_a_reason_to_return(
    client: Client, session: AsyncSession, tmp_path: Path
) -> None:
    venue = await make_venue(session)
    exhibitor, owner = await _exhibitor(client, session, venue, exhibitor_class="umkm")
    document = await _upload(session, LocalStorage(tmp_path), exhibitor, owner, DocumentKind.PIRT, "2063507010123-26")
    assert document.id is not None
    with pytest.raises(InvalidInput) as no_reason:
        await documents.return_document(session, document.id, venue.expo_id, actor=DESK, reason=" ", resubmit=True)
    assert no_reason.value.code == "reason_required"
    returned = await documents.return_document(
        session, document.id, venue.expo_id, actor=DESK, reason="Foto buram, nomor tidak terbaca", resubmit=True
    )
    assert (returned.status, returned.reason) == (DocumentStatus.RESUBMIT, "Foto buram, nomor tidak terbaca")
    with pytest.raises(Conflict) as twice:
        await documents.approve_document(session, document.id, venue.expo_id, actor=DESK)
    assert twice.value.code == "document_already_reviewed"
    # The exhibitor is told, in a message of its own kind.
    messages = (await session.scalars(sa.select(Message).where(col(Message.kind) == "document_returned"))).all()
    assert messages  # by e-mail and WhatsApp
    for message in messages:
        assert "Foto buram, nomor tidak terbaca" in message.body_text
        assert "/my-documents" in message.body_text
    # A desk member of another expo does not even find it.
    elsewhere = await make_venue(session, slug="expo-lain")
    stranger = CurrentUser(
        id=owner.id, email="", name="", role=Role.ORGANISER, committee={elsewhere.expo_id: CommitteeRole.REGISTRATION}
    )
    with pytest.raises(NotFound):
        await documents.approve_document(session, document.id, venue.expo_id, actor=stranger)
    with pytest.raises(NotFound):
        await documents.approve_document(session, document.id, elsewhere.expo_id, actor=DESK)


async def test_approving_an_expired_document_is_refused(client: Client, session: AsyncSession, tmp_path: Path) -> None:
    venue = await make_venue(session)
    exhibitor, owner = await _exhibitor(client, session, venue, exhibitor_class="umkm")
    today = await documents.expo_today(session, venue.expo_id)
    with pytest.raises(InvalidInput) as expired:
        await _upload(
            session,
            LocalStorage(tmp_path),
            exhibitor,
            owner,
            DocumentKind.HALAL,
            "ID1",
            expires_on=today - timedelta(days=1),
        )
    assert expired.value.code == "document_expired"
    document = await _upload(
        session, LocalStorage(tmp_path), exhibitor, owner, DocumentKind.HALAL, "ID1", expires_on=today
    )
    # It ran out while it waited for the desk.
    await session.execute(
        sa.update(ExhibitorDocument)
        .where(col(ExhibitorDocument.id) == document.id)
        .values(expires_on=today - timedelta(days=1))
    )
    assert document.id is not None
    with pytest.raises(Conflict) as refused:
        await documents.approve_document(session, document.id, venue.expo_id, actor=DESK)
    assert refused.value.code == "document_expired"


async def test_the_documents_a_class_needs_unlock_its_approval(
    client: Client, session: AsyncSession, tmp_path: Path
) -> None:
    venue = await make_venue(session)
    storage = LocalStorage(tmp_path)
    pesantren, owner = await _exhibitor(client, session, venue)  # the factory's class: pesantren
    other, other_owner = await _exhibitor(client, session, venue)
    assert pesantren.approval == Approval.PENDING
    assert pesantren.id is not None
    nib = await _upload(session, storage, pesantren, owner, DocumentKind.NIB, pesantren.nib)
    assert nib.id is not None
    _doc, unlocked = await documents.approve_document(session, nib.id, venue.expo_id, actor=DESK)
    assert not unlocked  # the pesantren's letter is still missing
    summary = await documents.summary(session, pesantren)
    assert summary.missing == [DocumentKind.INSTITUTION_LETTER]
    letter = await _upload(session, storage, pesantren, owner, DocumentKind.INSTITUTION_LETTER)
    assert letter.id is not None
    _doc, unlocked = await documents.approve_document(session, letter.id, venue.expo_id, actor=DESK)
    assert unlocked
    fresh = await session.get(Exhibitor, pesantren.id, populate_existing=True)
    assert fresh is not None
    assert fresh.approval == Approval.APPROVED
    actions = (
        await session.scalars(
            sa.select(AuditEntry.action).where(col(AuditEntry.expo_id) == venue.expo_id).order_by(col(AuditEntry.id))
        )
    ).all()
    assert actions[-3:] == ["document.approved", "document.approved", "exhibitor.approved_by_documents"]
    assert (await documents.documents_complete(session, [fresh])) == {pesantren.id: True}

    # A class the organisers rejected stays rejected, whatever the documents.
    assert other.id is not None
    await decide(session, other.id, Decision.REJECTED, DESK)
    for kind in (DocumentKind.NIB, DocumentKind.INSTITUTION_LETTER):
        document = await _upload(
            session, storage, other, other_owner, kind, other.nib if kind == DocumentKind.NIB else ""
        )
        assert document.id is not None
        _doc, unlocked = await documents.approve_document(session, document.id, venue.expo_id, actor=DESK)
        assert not unlocked
    rejected = await session.get(Exhibitor, other.id, populate_existing=True)
    assert rejected is not None
    assert rejected.approval == Approval.REJECTED


async def test_an_exhibitor_uploads_only_for_itself_and_product_photos_are_pictures(
    client: Client, session: AsyncSession, tmp_path: Path
) -> None:
    venue = await make_venue(session)
    storage = LocalStorage(tmp_path)
    mine, owner = await _exhibitor(client, session, venue, exhibitor_class="umkm")
    other, _other_owner = await _exhibitor(client, session, venue, exhibitor_class="umkm")
    with pytest.raises(NotFound):
        await _upload(session, storage, other, owner, DocumentKind.NIB, other.nib)
    assert other.id is not None
    assert await documents_of(session, other.id) == []
    with pytest.raises(InvalidInput) as not_a_picture:
        await _upload(session, storage, mine, owner, DocumentKind.PRODUCT_PHOTO)
    assert not_a_picture.value.code == "upload_wrong_type"
    with pytest.raises(InvalidInput) as bad_nib:
        await _upload(session, storage, mine, owner, DocumentKind.NIB, "12345")
    assert bad_nib.value.code == "document_nib"
    with pytest.raises(InvalidInput) as markup:
        await _upload(session, storage, mine, owner, DocumentKind.BPOM, "<b>MD</b>")
    assert markup.value.code == "document_number"
    picture = check_upload(photo(), allowed=IMAGES_AND_PDF, max_bytes=5_000_000)
    assert mine.id is not None
    for _ in range(documents.MAX_PRODUCT_PHOTOS):
        entry = documents.DocumentIn(kind=DocumentKind.PRODUCT_PHOTO, file_name="foto.jpg")
        await documents.submit_document(session, storage, mine.id, user=owner, data=entry, file=picture)
    entry = documents.DocumentIn(kind=DocumentKind.PRODUCT_PHOTO, file_name="foto.jpg")
    with pytest.raises(InvalidInput) as full:
        await documents.submit_document(session, storage, mine.id, user=owner, data=entry, file=picture)
    assert full.value.code == "documents_photos_full"
    # Photos do not replace each other: all six are current.
    assert [d.status for d in await documents_of(session, mine.id)] == [DocumentStatus.SUBMITTED] * 6
