"""Pass kinds and gates follow an expo into its next edition: when booths copies an expo
(``booths.venue.events``), its pass kinds (days moved with the dates), their re-entry rules and its
gates (on the new halls) are copied in the same transaction. Passes, devices and scans are not."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.events import ExpoCopied, on_expo_copied
from expo.metadata import table_of
from tickets.gate.models import Gate, KindEntryRule
from tickets.passes.models import PassCounter, PassKind


async def copy_kinds_and_gates(session: AsyncSession, event: ExpoCopied) -> None:
    kinds = (
        await session.scalars(
            sa.select(PassKind).where(col(PassKind.expo_id) == event.source_id).order_by(col(PassKind.id))
        )
    ).all()
    new_kinds: dict[int, PassKind] = {}
    for kind in kinds:
        assert kind.id is not None
        values = {c.key: getattr(kind, c.key) for c in table_of(PassKind).columns if c.key != "id"}
        values["expo_id"] = event.target_id
        values["days"] = [(date.fromisoformat(d) + event.shift).isoformat() for d in kind.days]
        new_kinds[kind.id] = PassKind(**values)
    session.add_all(new_kinds.values())
    if kinds:
        session.add(PassCounter(expo_id=event.target_id))
    await session.flush()
    rules = await session.scalars(sa.select(KindEntryRule).where(col(KindEntryRule.kind_id).in_(list(new_kinds))))
    for rule in rules:
        new_id = new_kinds[rule.kind_id].id
        assert new_id is not None
        session.add(KindEntryRule(kind_id=new_id, reentry=rule.reentry))
    gates = await session.scalars(sa.select(Gate).where(col(Gate.expo_id) == event.source_id).order_by(col(Gate.id)))
    for gate in gates:
        values = {c.key: getattr(gate, c.key) for c in table_of(Gate).columns if c.key not in {"id", "created_at"}}
        values["expo_id"] = event.target_id
        values["hall_id"] = event.halls.get(gate.hall_id) if gate.hall_id is not None else None
        session.add(Gate(**values))
    await session.flush()


def register() -> None:
    on_expo_copied(copy_kinds_and_gates)
