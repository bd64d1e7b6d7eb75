"""The demo's documents: seeded through the upload and review services with real (drawn) files, so the
desk's queue has waiting ones, the demo exhibitor sees one asked again with its reason, and its profile
badges are only what was approved."""

from pathlib import Path

import pypdfium2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.demo.expo import seed_demo
from booths.demo.published import EXHIBITOR_EMAIL, demo_today
from booths.documents.badges import verified_badges
from booths.documents.models import Badge, DocumentStatus, ExhibitorDocument
from booths.exhibitors.models import Exhibitor
from expo.models import User
from expo.security import Passwords
from expo.storage import LocalStorage

pytestmark = pytest.mark.anyio


async def test_the_demo_has_documents_in_every_review_state(session: AsyncSession, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    counts = await seed_demo(session, Passwords(time_cost=1, memory_kib=64), storage=storage)
    assert counts["documents"] >= 6
    rows = list((await session.scalars(sa.select(ExhibitorDocument))).all())
    statuses = {d.status for d in rows}
    assert {DocumentStatus.APPROVED, DocumentStatus.SUBMITTED, DocumentStatus.RESUBMIT} <= statuses
    assert sum(d.status == DocumentStatus.SUBMITTED for d in rows) == counts["documents_waiting"]
    for document in rows:  # every file is in storage and opens as what it claims
        data = await storage.get(document.file_key)
        if document.content_type == "application/pdf":
            assert len(pypdfium2.PdfDocument(data)) == 1
    user_id = await session.scalar(sa.select(col(User.id)).where(col(User.email) == EXHIBITOR_EMAIL))
    demo_exhibitor = await session.scalar(sa.select(Exhibitor).where(col(Exhibitor.user_id) == user_id))
    assert demo_exhibitor is not None
    assert demo_exhibitor.id is not None
    badges = await verified_badges(session, [demo_exhibitor.id], demo_today())
    assert badges[demo_exhibitor.id] == [Badge.NIB_VERIFIED, Badge.INSTITUTION_VERIFIED, Badge.HALAL]
    asked = [d for d in rows if d.exhibitor_id == demo_exhibitor.id and d.status == DocumentStatus.RESUBMIT]
    assert [d.kind for d in asked] == ["pirt"]
    assert asked[0].reason
