"""Badges: what an exhibitor's profile may say was verified. Only an approved document that has not
expired on the day asked about gives one; what an exhibitor only typed in (a number on a product)
never does."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.documents.models import Badge, DocumentKind, DocumentStatus, ExhibitorDocument

BADGE_OF_KIND: dict[DocumentKind, Badge] = {
    DocumentKind.NIB: Badge.NIB_VERIFIED,
    DocumentKind.INSTITUTION_LETTER: Badge.INSTITUTION_VERIFIED,
    DocumentKind.HALAL: Badge.HALAL,
    DocumentKind.PIRT: Badge.PIRT,
    DocumentKind.BPOM: Badge.BPOM,
}


def gives_badge(document: ExhibitorDocument, today: date) -> Badge | None:
    if document.status != DocumentStatus.APPROVED:
        return None
    if document.expires_on is not None and document.expires_on < today:
        return None
    return BADGE_OF_KIND.get(DocumentKind(document.kind))


async def verified_badges(session: AsyncSession, exhibitor_ids: list[int], today: date) -> dict[int, list[Badge]]:
    """Each exhibitor's badges (in the order of ``Badge``), for many exhibitors in one query."""
    if not exhibitor_ids:
        return {}
    rows = (
        await session.execute(
            sa.select(col(ExhibitorDocument.exhibitor_id), col(ExhibitorDocument.kind))
            .where(
                col(ExhibitorDocument.exhibitor_id).in_(exhibitor_ids),
                col(ExhibitorDocument.status) == DocumentStatus.APPROVED,
                col(ExhibitorDocument.kind).in_([kind.value for kind in BADGE_OF_KIND]),
                sa.or_(col(ExhibitorDocument.expires_on).is_(None), col(ExhibitorDocument.expires_on) >= today),
            )
            .distinct()
        )
    ).all()
    found: dict[int, set[Badge]] = {}
    for exhibitor_id, kind in rows:
        found.setdefault(exhibitor_id, set()).add(BADGE_OF_KIND[DocumentKind(kind)])
    order = list(Badge)
    return {exhibitor_id: sorted(badges, key=order.index) for exhibitor_id, badges in found.items()}
