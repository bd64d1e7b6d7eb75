"""Committee rules: who serves an expo in which role. One organiser at least, always."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from expo.accounts import CurrentUser
from expo.audit import record
from expo.errors import Conflict
from expo.models import CommitteeMember, CommitteeRole, User


async def add_member(
    session: AsyncSession, expo_id: int, user_id: int, role: CommitteeRole, by: CurrentUser | None = None
) -> CommitteeMember:
    """Give ``user_id`` a role in the expo (flushed; the caller commits)."""
    taken = await session.scalar(
        sa.select(col(CommitteeMember.id)).where(
            col(CommitteeMember.expo_id) == expo_id, col(CommitteeMember.user_id) == user_id
        )
    )
    if taken is not None:
        raise Conflict("This person is already in the committee.", code="already_member")
    member = CommitteeMember(expo_id=expo_id, user_id=user_id, role=role)
    session.add(member)
    await session.flush()
    if by is not None:
        email = await session.scalar(sa.select(col(User.email)).where(col(User.id) == user_id))
        await record(session, by, expo_id, "committee.added", email or "", after={"role": role})
    return member
