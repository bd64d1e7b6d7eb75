"""Rules for exhibitors: self sign-up, organiser records, and who may see whom."""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.exhibitors.models import Approval, Exhibitor, ExhibitorClass
from booths.exhibitors.schemas import ExhibitorCreate, ExhibitorFields, ExhibitorRead, ExhibitorSignup, ExhibitorUpdate
from booths.exhibitors.validation import nib_looks_issued
from booths.venue.service import check_cluster, get_expo
from expo.account_links import LinkSettings, send_verification
from expo.accounts import CurrentUser, create_user
from expo.database import contains_pattern
from expo.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.i18n import N_
from expo.models import Role, User
from expo.permissions import Area
from expo.security import Passwords


def exhibitor_read(exhibitor: Exhibitor, email_verified: bool = False) -> ExhibitorRead:
    # Not ``exhibitor.model_dump()``: a row loaded from the database holds ``exhibitor_class`` as a
    # plain str, and dumping it as the enum field warns on every read.
    own = {"has_account", "email_verified"}
    fields = {name: getattr(exhibitor, name) for name in ExhibitorRead.model_fields if name not in own}
    return ExhibitorRead(**fields, has_account=exhibitor.user_id is not None, email_verified=email_verified)


async def verified_user_ids(session: AsyncSession, exhibitors: Sequence[Exhibitor]) -> set[int]:
    """The accounts among these exhibitors' whose e-mail address is verified (one query)."""
    ids = {e.user_id for e in exhibitors if e.user_id is not None}
    if not ids:
        return set()
    rows = await session.scalars(
        sa.select(col(User.id)).where(col(User.id).in_(ids), col(User.email_verified_at).is_not(None))
    )
    return {user_id for user_id in rows.all() if user_id is not None}


async def exhibitor_reads(session: AsyncSession, exhibitors: Sequence[Exhibitor]) -> list[ExhibitorRead]:
    verified = await verified_user_ids(session, exhibitors)
    return [exhibitor_read(e, e.user_id in verified) for e in exhibitors]


async def read_exhibitor(session: AsyncSession, exhibitor: Exhibitor) -> ExhibitorRead:
    return (await exhibitor_reads(session, [exhibitor]))[0]


def audit_subject(exhibitor: Exhibitor) -> str:
    """How the audit log names an exhibitor: its number first, so its record finds its entries
    (``booths.exhibitors.records``)."""
    return f"#{exhibitor.id} {exhibitor.name}"


async def lock_exhibitor(session: AsyncSession, exhibitor_id: int) -> Exhibitor:
    """Start an exhibitor's change with a write: on PostgreSQL its row lock, on SQLite the database's
    write lock, taken before anything is read, so one exhibitor's bookings, applications and approval
    never interleave (``lock_version`` counts nothing else)."""
    await session.execute(
        sa.update(Exhibitor)
        .where(col(Exhibitor.id) == exhibitor_id)
        .values(lock_version=col(Exhibitor.lock_version) + 1)
    )
    exhibitor = await session.get(Exhibitor, exhibitor_id, populate_existing=True)
    if exhibitor is None:
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    return exhibitor


async def _check_nib_free(session: AsyncSession, expo_id: int, nib: str, exhibitor_id: int | None = None) -> None:
    stmt = sa.select(col(Exhibitor.id)).where(col(Exhibitor.expo_id) == expo_id, col(Exhibitor.nib) == nib)
    if exhibitor_id is not None:
        stmt = stmt.where(col(Exhibitor.id) != exhibitor_id)
    if await session.scalar(stmt) is not None:
        message = N_("A business with this NIB is already registered for this expo.")
        raise Conflict(message, code="nib_taken", fields=[FieldProblem("nib", message)])


def _check_nib_plausible(nib: str, *, accept_unusual: bool) -> None:
    """An NIB that OSS would not issue is almost always a placeholder typed to get past the form;
    an organiser who has seen the real certificate may still store an unusual one on purpose."""
    if not accept_unusual and not nib_looks_issued(nib):
        message = N_("This NIB does not look like one issued by OSS; check the number on the NIB certificate.")
        raise InvalidInput(message, code="nib_implausible", fields=[FieldProblem("nib", message)])


async def _new_exhibitor(
    session: AsyncSession, expo_id: int, data: ExhibitorFields, user_id: int | None, approval: Approval
) -> Exhibitor:
    values = data.model_dump(include=set(ExhibitorFields.model_fields))
    if not values.get("pesantren_name"):
        values["pesantren_name"] = None
    exhibitor = Exhibitor(expo_id=expo_id, user_id=user_id, approval=approval, **values)
    if approval != Approval.PENDING:
        exhibitor.approval_decided_at = utcnow()
    session.add(exhibitor)
    await session.flush()
    return exhibitor


async def sign_up(
    session: AsyncSession,
    passwords: Passwords,
    expo_id: int,
    data: ExhibitorSignup,
    links: LinkSettings,
    language: str | None = None,
) -> tuple[Exhibitor, User]:
    """An exhibitor registers its business and gets an account (log-in e-mail = contact e-mail). Its
    class waits for an organiser's approval (``booths.exhibitors.approval``). One business (NIB) is one exhibitor
    of an expo, so a second account for the same NIB is refused and the booth limit holds for it.
    A link to verify the e-mail address is queued; the account works before it is followed."""
    await get_expo(session, expo_id)
    _check_nib_plausible(data.nib, accept_unusual=False)
    await _check_nib_free(session, expo_id, data.nib)
    await check_cluster(session, expo_id, data.cluster)
    user = await create_user(
        session,
        passwords,
        email=data.email,
        name=data.contact_name,
        password=data.password,
        role=Role.EXHIBITOR,
        language=language,
    )
    exhibitor = await _new_exhibitor(session, expo_id, data, user.id, Approval.PENDING)
    await send_verification(session, links, user)
    return exhibitor, user


async def create_exhibitor(session: AsyncSession, expo_id: int, data: ExhibitorCreate) -> Exhibitor:
    """Organisers record an exhibitor; ``accept_unusual_nib`` stores an NIB that fails the
    plausibility check (they have seen the certificate)."""
    await get_expo(session, expo_id)
    _check_nib_plausible(data.nib, accept_unusual=data.accept_unusual_nib)
    await _check_nib_free(session, expo_id, data.nib)
    await check_cluster(session, expo_id, data.cluster)
    return await _new_exhibitor(session, expo_id, data, None, Approval.APPROVED)  # the organiser typed it in


async def exhibitor_of_user(session: AsyncSession, user_id: int, expo_id: int | None = None) -> Exhibitor | None:
    """The account's exhibitor in ``expo_id``; without an expo its latest one (a returning business
    has one per expo it signed up for)."""
    stmt = sa.select(Exhibitor).where(col(Exhibitor.user_id) == user_id)
    if expo_id is not None:
        stmt = stmt.where(col(Exhibitor.expo_id) == expo_id)
    stmt = stmt.order_by(col(Exhibitor.created_at).desc(), col(Exhibitor.id).desc()).limit(1)
    return await session.scalar(stmt)


async def sign_up_again(session: AsyncSession, expo_id: int, data: ExhibitorFields, user: CurrentUser) -> Exhibitor:
    """A business that already has an account (from an earlier expo) signs up for this one: a new
    exhibitor of this expo, linked to the same account, its class again waiting for approval."""
    await get_expo(session, expo_id)
    if user.role is not Role.EXHIBITOR:
        raise Forbidden(
            "Only an exhibitor's account can sign up a business; log out first.", code="not_an_exhibitor_account"
        )
    if await exhibitor_of_user(session, user.id, expo_id) is not None:
        raise Conflict("Your business is already signed up for this expo.", code="already_signed_up")
    _check_nib_plausible(data.nib, accept_unusual=False)
    await _check_nib_free(session, expo_id, data.nib)
    await check_cluster(session, expo_id, data.cluster)
    return await _new_exhibitor(session, expo_id, data, user.id, Approval.PENDING)


async def get_exhibitor(session: AsyncSession, exhibitor_id: int, user: CurrentUser) -> Exhibitor:
    """Organisers see every exhibitor; an exhibitor only its own (others are simply not found)."""
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    if exhibitor is None or (not user.may(exhibitor.expo_id, Area.EXHIBITORS) and exhibitor.user_id != user.id):
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    return exhibitor


async def update_exhibitor(
    session: AsyncSession, exhibitor_id: int, data: ExhibitorUpdate, user: CurrentUser
) -> Exhibitor:
    exhibitor = await get_exhibitor(session, exhibitor_id, user)
    changes = data.model_dump(exclude_unset=True, exclude={"accept_unusual_nib"})
    if data.accept_unusual_nib and not user.may(exhibitor.expo_id, Area.EXHIBITORS):
        message = N_("Only the organisers can accept an unusual NIB.")
        raise Forbidden(message, code="nib_override_forbidden", fields=[FieldProblem("nib", message)])
    changes = {k: v for k, v in changes.items() if v is not None or k in {"pesantren_name", "cluster"}}
    if "pesantren_name" in changes:
        changes["pesantren_name"] = changes["pesantren_name"] or None
    new_class = changes.get("exhibitor_class", exhibitor.exhibitor_class)
    if new_class != exhibitor.exhibitor_class and not user.may(exhibitor.expo_id, Area.EXHIBITORS):
        # The class sets the price (pesantren and koperasi stands are cheaper): organisers decide it.
        raise Forbidden(
            "Only the organisers can change the exhibitor class.",
            code="class_change_forbidden",
            fields=[FieldProblem("exhibitor_class", "Only the organisers can change the exhibitor class.")],
        )
    if new_class == ExhibitorClass.PESANTREN and not changes.get("pesantren_name", exhibitor.pesantren_name):
        raise InvalidInput(fields=[FieldProblem("pesantren_name", "Give the pesantren's name.")])
    if "nib" in changes:
        _check_nib_plausible(changes["nib"], accept_unusual=data.accept_unusual_nib)
        await _check_nib_free(session, exhibitor.expo_id, changes["nib"], exhibitor.id)
    if changes.get("cluster"):
        await check_cluster(session, exhibitor.expo_id, changes["cluster"])
    for key, value in changes.items():
        setattr(exhibitor, key, value)
    await session.flush()
    return exhibitor


async def count_exhibitors(session: AsyncSession, expo_id: int) -> int:
    stmt = sa.select(sa.func.count()).select_from(Exhibitor).where(col(Exhibitor.expo_id) == expo_id)
    return await session.scalar(stmt) or 0


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
    await get_expo(session, expo_id)
    stmt = sa.select(Exhibitor).where(col(Exhibitor.expo_id) == expo_id)
    if q:
        like = contains_pattern(q.lower())
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(col(Exhibitor.name)).like(like, escape="\\"),
                sa.func.lower(sa.func.coalesce(col(Exhibitor.pesantren_name), "")).like(like, escape="\\"),
                col(Exhibitor.nib).like(contains_pattern(q), escape="\\"),
            )
        )
    if exhibitor_class:
        stmt = stmt.where(col(Exhibitor.exhibitor_class) == exhibitor_class)
    if cluster:
        stmt = stmt.where(col(Exhibitor.cluster) == cluster)
    stmt = stmt.order_by(col(Exhibitor.name)).limit(limit).offset(offset)
    return list((await session.scalars(stmt)).all())
