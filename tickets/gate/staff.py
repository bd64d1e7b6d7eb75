"""Gate-staff accounts: an organiser assigns one to a gate; the account then sees that gate's counts and
pairs and unpairs its own phones to it. It never creates or deletes gates, never touches phones it
did not pair, and sees nothing of other expos (docs/gate.md, "Gate staff")."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.committee.service import add_member
from expo.accounts import CurrentUser, normalise_email
from expo.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from expo.models import CommitteeMember, CommitteeRole, Role, User
from expo.permissions import Area
from tickets.gate import devices
from tickets.gate.models import Gate, GateDevice, GateStaff


@dataclass(frozen=True)
class StaffMember:
    """A gate-staff account as the organiser's set-up page lists it under its gate."""

    user_id: int
    name: str
    email: str


async def assign(session: AsyncSession, gate_id: int, email: str) -> User:
    """Put the gate-staff account with this e-mail on this gate (it leaves any gate it was on); it
    joins the gate's expo's committee as gate staff if it holds no role there yet."""
    gate = await devices.get_gate(session, gate_id)
    user = await session.scalar(sa.select(User).where(col(User.email) == normalise_email(email)))
    if user is None or Role(user.role) is not Role.GATE:
        raise InvalidInput(fields=[FieldProblem("email", "No gate-staff account has this e-mail.")])
    assert user.id is not None
    row = await session.get(GateStaff, user.id)
    if row is None:
        session.add(GateStaff(user_id=user.id, gate_id=gate_id))
    else:
        row.gate_id = gate_id
    await session.flush()
    serving = await session.scalar(
        sa.select(col(CommitteeMember.id)).where(
            col(CommitteeMember.expo_id) == gate.expo_id, col(CommitteeMember.user_id) == user.id
        )
    )
    if serving is None:
        await add_member(session, gate.expo_id, user.id, CommitteeRole.GATE_STAFF)
    return user


async def unassign(session: AsyncSession, gate_id: int, user_id: int) -> None:
    row = await session.get(GateStaff, user_id)
    if row is None or row.gate_id != gate_id:
        raise NotFound("No such gate staff.", code="gate_staff_not_found")
    await session.delete(row)
    await session.flush()


async def staff_of(session: AsyncSession, expo_id: int) -> dict[int, list[StaffMember]]:
    """The expo's gates' staff, by gate id."""
    rows = await session.execute(
        sa.select(col(GateStaff.gate_id), col(User.id), col(User.name), col(User.email))
        .join(User, col(User.id) == col(GateStaff.user_id))
        .join(Gate, col(Gate.id) == col(GateStaff.gate_id))
        .where(col(Gate.expo_id) == expo_id)
        .order_by(col(User.name))
    )
    staff: dict[int, list[StaffMember]] = {}
    for gate_id, user_id, name, email in rows.all():
        staff.setdefault(gate_id, []).append(StaffMember(user_id or 0, name, email))
    return staff


async def own_gate(session: AsyncSession, user: CurrentUser) -> Gate:
    """The gate this gate-staff account works at; 403 until an organiser assigns one, and once the
    account no longer serves that expo's committee (removed from it, it stops at once)."""
    gate = await session.scalar(
        sa.select(Gate).join(GateStaff, col(GateStaff.gate_id) == col(Gate.id)).where(col(GateStaff.user_id) == user.id)
    )
    if gate is None or not user.may(gate.expo_id, Area.SCAN):
        raise Forbidden("No gate is assigned to you yet; ask the organiser.", code="no_gate_assigned")
    return gate


async def check_expo(session: AsyncSession, user: CurrentUser, expo_id: int) -> None:
    """Gate staff see only their own gate's expo (organisers see every expo)."""
    if user.role is Role.GATE and (await own_gate(session, user)).expo_id != expo_id:
        raise Forbidden("Your account's role may not do this.", code="wrong_role")


async def own_devices(session: AsyncSession, user: CurrentUser) -> list[GateDevice]:
    """The phones this account paired to its gate, newest first (unused codes left out)."""
    gate = await own_gate(session, user)
    stmt = (
        sa.select(GateDevice)
        .where(col(GateDevice.gate_id) == gate.id, col(GateDevice.created_by_user_id) == user.id)
        .order_by(col(GateDevice.id).desc())
    )
    return list((await session.scalars(stmt)).all())


async def pair_own_phone(session: AsyncSession, user: CurrentUser, name: str) -> tuple[Gate, GateDevice, str]:
    """A one-time pairing code for a phone at this account's gate."""
    gate = await own_gate(session, user)
    assert gate.id is not None
    device, code = await devices.create_device(session, gate.id, name, user)
    return gate, device, code


async def unpair_own_phone(session: AsyncSession, user: CurrentUser, device_id: int) -> GateDevice:
    """Revoke a phone this account paired to its gate; anyone else's phone is 404 to it."""
    gate = await own_gate(session, user)
    device = await session.get(GateDevice, device_id)
    if device is None or device.gate_id != gate.id or device.created_by_user_id != user.id:
        raise NotFound("No such device.", code="device_not_found")
    return await devices.revoke_device(session, device_id)
