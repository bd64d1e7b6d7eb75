"""Which messages an expo sends, and the one way booths and tickets queue a message to an exhibitor.

Every trigger (``booths.notifications.triggers``, ``tickets.notifications``) calls :func:`notify_exhibitor`
inside the transaction of the change it reports, with an idempotency key naming that change, so a
retried action or job never queues the message twice; a kind the expo turned off queues nothing."""

import hashlib
from collections.abc import Callable, Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.exhibitors.models import Exhibitor
from booths.notifications.models import MessageSetting
from booths.venue.models import Expo
from expo.errors import FieldProblem, InvalidInput
from expo.formatting import utcnow
from expo.message_kinds import EXPO_KINDS, MessageKind
from expo.messaging import queue_message
from expo.models import User
from expo.public_url import message_base_url
from expo.text import has_control

MAX_CONTACT = 200


async def message_settings(session: AsyncSession, expo_id: int) -> MessageSetting:
    """The expo's settings (a default, not stored, when it never changed them: every kind on)."""
    found = await session.get(MessageSetting, expo_id)
    return found or MessageSetting(expo_id=expo_id, disabled=[], contact="")


async def kind_enabled(session: AsyncSession, expo_id: int, kind: MessageKind) -> bool:
    if kind not in EXPO_KINDS:
        return True
    disabled = await session.scalar(
        sa.select(col(MessageSetting.disabled)).where(col(MessageSetting.expo_id) == expo_id)
    )
    return kind.value not in (disabled or [])


async def update_message_settings(
    session: AsyncSession, expo_id: int, *, enabled: Collection[str], contact: str
) -> MessageSetting:
    """Keep the kinds in ``enabled`` on and turn the other kinds of :data:`EXPO_KINDS` off."""
    unknown = [kind for kind in enabled if kind not in {k.value for k in EXPO_KINDS}]
    if unknown:
        raise InvalidInput(fields=[FieldProblem("enabled", "Choose one of the options.")])
    contact = " ".join(contact.split())
    if len(contact) > MAX_CONTACT or has_control(contact):
        raise InvalidInput(fields=[FieldProblem("contact", "Use at most %(max)s characters.", {"max": MAX_CONTACT})])
    setting = await session.get(MessageSetting, expo_id)
    if setting is None:
        setting = MessageSetting(expo_id=expo_id)
        session.add(setting)
    setting.disabled = [kind.value for kind in EXPO_KINDS if kind.value not in set(enabled)]
    setting.contact = contact
    setting.updated_at = utcnow()
    await session.flush()
    return setting


InLanguage = Callable[[str], str]
"""A context value written in the recipient's language (``lambda language: format_date(..., language)``)."""


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def link(path: str) -> str:
    """An absolute link to a page of the site, for a message."""
    return f"{message_base_url()}{path}"


async def notify_exhibitor(
    session: AsyncSession,
    *,
    kind: MessageKind,
    expo: Expo,
    exhibitor: Exhibitor,
    key: str,
    context: dict[str, Any],
    template: str | None = None,
) -> list[int]:
    """Queue message ``kind`` to an exhibitor (its account's e-mail, else its contact e-mail, and its
    WhatsApp number), in its account's language, unless the expo turned the kind off. A context value
    that is a function of the language (a date, a price) is written in the recipient's language."""
    assert expo.id is not None
    if not await kind_enabled(session, expo.id, kind):
        return []
    user = await session.get(User, exhibitor.user_id) if exhibitor.user_id is not None else None
    setting = await message_settings(session, expo.id)
    language = (user.language if user is not None else None) or "id"
    base = {"name": exhibitor.contact_name, "expo_name": expo.name, "contact": setting.contact}
    written = {name: value(language) if callable(value) else value for name, value in context.items()}
    return await queue_message(
        session,
        kind=kind.value,
        template=template or kind.value,
        context=base | written,
        key=key,
        email=user.email if user is not None else exhibitor.email,
        phone=exhibitor.whatsapp or None,
        language=language,
        expo_id=expo.id,
        exhibitor_id=exhibitor.id,
        user_id=exhibitor.user_id,
    )


async def queue_committee_invitation(
    session: AsyncSession,
    *,
    expo_id: int,
    email: str,
    inviter_name: str,
    role_label: str,
    accept_url: str,
    language: str = "id",
) -> list[int]:
    """An invitation to an expo's committee (the committee code calls this; its key is per expo and
    address, so inviting the same address twice queues one message until that one is answered)."""
    expo = await session.get(Expo, expo_id)
    if expo is None or not await kind_enabled(session, expo_id, MessageKind.COMMITTEE_INVITATION):
        return []
    setting = await message_settings(session, expo_id)
    return await queue_message(
        session,
        kind=MessageKind.COMMITTEE_INVITATION.value,
        template=MessageKind.COMMITTEE_INVITATION.value,
        context={
            "expo_name": expo.name,
            "contact": setting.contact,
            "inviter_name": inviter_name,
            "role_label": role_label,
            "accept_url": accept_url,
        },
        key=f"committee:{expo_id}:{_digest(email.strip().lower(), accept_url)}",
        email=email,
        language=language,
        expo_id=expo_id,
    )
