"""An exhibitor's public profile: read it, save it, change its logo.

Every function takes the exhibitor whose profile it is, found by the caller from the account asking
(``own_exhibitor``): an exhibitor can only ever reach its own profile. The logo's files are written
and deleted by the caller through ``pictures.py``; here the row only points at them.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.catalogue.models import ExhibitorProfile
from booths.catalogue.schemas import ProfileIn
from booths.exhibitors.models import Exhibitor
from booths.exhibitors.service import exhibitor_of_user
from expo.accounts import CurrentUser
from expo.errors import NotFound
from expo.formatting import utcnow


async def own_exhibitor(session: AsyncSession, user: CurrentUser) -> Exhibitor:
    """The asking account's exhibitor (its latest expo's), whose catalogue it edits."""
    exhibitor = await exhibitor_of_user(session, user.id)
    if exhibitor is None or exhibitor.id is None:
        raise NotFound("There is no exhibitor registration for this account.", code="exhibitor_not_found")
    return exhibitor


async def profile_of(session: AsyncSession, exhibitor_id: int) -> ExhibitorProfile | None:
    """The exhibitor's profile, or None while it has not written one."""
    return await session.get(ExhibitorProfile, exhibitor_id)


async def _profile_for_change(session: AsyncSession, exhibitor: Exhibitor) -> ExhibitorProfile:
    """The profile row, created when missing, locked for this transaction on PostgreSQL (SQLite has
    one writer at a time): two saves at once then run one after the other, so neither loses the
    other's logo. Created by INSERT ... ON CONFLICT DO NOTHING, so two first saves cannot collide."""
    assert exhibitor.id is not None
    table = ExhibitorProfile.__table__  # type: ignore[attr-defined]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(table)
        .values(exhibitor_id=exhibitor.id, expo_id=exhibitor.expo_id, story="", promotion="", updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["exhibitor_id"])
    )
    stmt = (
        sa.select(ExhibitorProfile)
        .where(col(ExhibitorProfile.exhibitor_id) == exhibitor.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    profile = await session.scalar(stmt)
    assert profile is not None
    return profile


async def save_profile(session: AsyncSession, exhibitor: Exhibitor, data: ProfileIn) -> ExhibitorProfile:
    """Write the exhibitor's profile texts and links (the logo stays as it is)."""
    profile = await _profile_for_change(session, exhibitor)
    for name, value in data.model_dump().items():
        setattr(profile, name, value)
    profile.updated_at = utcnow()
    await session.flush()
    return profile


async def set_logo(session: AsyncSession, exhibitor: Exhibitor, key: str | None) -> str | None:
    """Point the profile at a stored logo (``None``: no logo); returns the key it replaced, whose
    files the caller deletes once this is committed."""
    profile = await _profile_for_change(session, exhibitor)
    old = profile.logo_key
    profile.logo_key = key
    profile.updated_at = utcnow()
    await session.flush()
    return old if old != key else None
