"""Rules for exhibitors: self sign-up, organiser records, and who may see whom."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from booths.models import Exhibitor
from booths.schemas import ExhibitorCreate, ExhibitorFields, ExhibitorRead, ExhibitorSignup, ExhibitorUpdate
from booths.venue import check_cluster, get_expo
from expo.accounts import CurrentUser, create_user
from expo.errors import Conflict, FieldProblem, NotFound
from expo.models import Role, User
from expo.security import Passwords


def exhibitor_read(exhibitor: Exhibitor) -> ExhibitorRead:
    return ExhibitorRead(
        **exhibitor.model_dump(exclude={"user_id", "lock_version", "created_at"}),
        has_account=exhibitor.user_id is not None,
    )


async def _check_nib_free(session: AsyncSession, expo_id: int, nib: str, exhibitor_id: int | None = None) -> None:
    stmt = sa.select(Exhibitor.id).where(Exhibitor.expo_id == expo_id, Exhibitor.nib == nib)
    if exhibitor_id is not None:
        stmt = stmt.where(Exhibitor.id != exhibitor_id)
    if await session.scalar(stmt) is not None:
        message = "A business with this NIB is already registered for this expo."
        raise Conflict(message, code="nib_taken", fields=[FieldProblem("nib", message)])


async def _new_exhibitor(session: AsyncSession, expo_id: int, data: ExhibitorFields, user_id: int | None) -> Exhibitor:
    values = data.model_dump(include=set(ExhibitorFields.model_fields))
    if not values.get("pesantren_name"):
        values["pesantren_name"] = None
    exhibitor = Exhibitor(expo_id=expo_id, user_id=user_id, **values)
    session.add(exhibitor)
    await session.flush()
    return exhibitor


async def sign_up(
    session: AsyncSession, passwords: Passwords, expo_id: int, data: ExhibitorSignup
) -> tuple[Exhibitor, User]:
    """An exhibitor registers its business and gets an account (log-in e-mail = contact e-mail)."""
    await get_expo(session, expo_id)
    await _check_nib_free(session, expo_id, data.nib)
    await check_cluster(session, expo_id, data.cluster)
    user = await create_user(
        session, passwords, email=data.email, name=data.contact_name, password=data.password, role=Role.EXHIBITOR
    )
    exhibitor = await _new_exhibitor(session, expo_id, data, user.id)
    return exhibitor, user


async def create_exhibitor(session: AsyncSession, expo_id: int, data: ExhibitorCreate) -> Exhibitor:
    await get_expo(session, expo_id)
    await _check_nib_free(session, expo_id, data.nib)
    await check_cluster(session, expo_id, data.cluster)
    return await _new_exhibitor(session, expo_id, data, None)


async def exhibitor_of_user(session: AsyncSession, user_id: int, expo_id: int | None = None) -> Exhibitor | None:
    stmt = sa.select(Exhibitor).where(Exhibitor.user_id == user_id)
    if expo_id is not None:
        stmt = stmt.where(Exhibitor.expo_id == expo_id)
    return await session.scalar(stmt)


async def get_exhibitor(session: AsyncSession, exhibitor_id: int, user: CurrentUser) -> Exhibitor:
    """Organisers see every exhibitor; an exhibitor only its own (others are simply not found)."""
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    if exhibitor is None or (not user.is_organiser and exhibitor.user_id != user.id):
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    return exhibitor


async def update_exhibitor(
    session: AsyncSession, exhibitor_id: int, data: ExhibitorUpdate, user: CurrentUser
) -> Exhibitor:
    exhibitor = await get_exhibitor(session, exhibitor_id, user)
    changes = data.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k in {"pesantren_name", "cluster"}}
    if "nib" in changes:
        await _check_nib_free(session, exhibitor.expo_id, changes["nib"], exhibitor.id)
    if changes.get("cluster"):
        await check_cluster(session, exhibitor.expo_id, changes["cluster"])
    for key, value in changes.items():
        setattr(exhibitor, key, value)
    await session.flush()
    return exhibitor


async def list_exhibitors(
    session: AsyncSession,
    expo_id: int,
    *,
    q: str | None = None,
    exhibitor_class: str | None = None,
    cluster: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[Exhibitor]:
    stmt = sa.select(Exhibitor).where(Exhibitor.expo_id == expo_id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Exhibitor.name).like(like),
                sa.func.lower(sa.func.coalesce(Exhibitor.pesantren_name, "")).like(like),
                Exhibitor.nib.like(f"%{q}%"),  # type: ignore[attr-defined]
            )
        )
    if exhibitor_class:
        stmt = stmt.where(Exhibitor.exhibitor_class == exhibitor_class)
    if cluster:
        stmt = stmt.where(Exhibitor.cluster == cluster)
    stmt = stmt.order_by(Exhibitor.name).limit(limit).offset(offset)
    return list((await session.scalars(stmt)).all())
