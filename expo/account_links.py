"""Links sent to an account's own address: password reset and e-mail verification.

A link carries a random token; only its SHA-256 is stored (``AccountToken``), so a database leak
leaks no usable link. Each link works once and for a limited time (settings
``password_reset_minutes`` and ``email_verify_hours``). Asking for a reset answers the same whether
or not the address has an account; the message is queued in the caller's transaction.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from expo.accounts import check_password_strength, normalise_email
from expo.errors import DomainError, FieldProblem, InvalidInput
from expo.formatting import as_utc, utcnow
from expo.i18n import N_
from expo.message_kinds import MessageKind
from expo.messaging import queue_message
from expo.models import AccountToken, AuthSession, TokenPurpose, User
from expo.security import Passwords, new_token, token_digest
from expo.settings import Settings
from expo.text import has_control

RESET_PATH = "/reset-password"
VERIFY_PATH = "/verify-email"


class LinkFault(StrEnum):
    """Why a link does not work; the page for each says so in plain words."""

    INVALID = "link_invalid"
    EXPIRED = "link_expired"
    USED = "link_used"


_FAULT_MESSAGES = {
    LinkFault.INVALID: N_("This link is not valid. Copy the whole link from the message, or ask for a new one."),
    LinkFault.EXPIRED: N_("This link has expired. Ask for a new one."),
    LinkFault.USED: N_("This link was already used. Ask for a new one if you still need it."),
}


class BadLink(DomainError):
    status = 400

    def __init__(self, fault: LinkFault) -> None:
        super().__init__(_FAULT_MESSAGES[fault], code=fault.value)
        self.fault = fault
        self.status = 410 if fault in {LinkFault.EXPIRED, LinkFault.USED} else 400  # type: ignore[misc]


@dataclass(frozen=True)
class LinkSettings:
    """Where links lead (the site's public address) and how long they work."""

    base_url: str
    verify_hours: int = 72
    reset_minutes: int = 60

    @classmethod
    def of(cls, settings: Settings, base_url: str) -> "LinkSettings":
        return cls(base_url, settings.email_verify_hours, settings.password_reset_minutes)


def link(base_url: str, path: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{path}?token={token}"


async def issue_token(session: AsyncSession, user: User, purpose: TokenPurpose, valid_for: timedelta) -> str:
    """A new single-use token for ``user``'s current address (flushed; the caller commits)."""
    assert user.id is not None
    token = new_token()
    session.add(
        AccountToken(
            token_hash=token_digest(token),
            user_id=user.id,
            purpose=purpose,
            email=user.email,
            expires_at=utcnow() + valid_for,
        )
    )
    await session.flush()
    return token


async def _recent_resets(session: AsyncSession, user_id: int) -> int:
    since = utcnow() - timedelta(hours=1)
    stmt = sa.select(sa.func.count()).where(
        col(AccountToken.user_id) == user_id,
        col(AccountToken.purpose) == TokenPurpose.RESET_PASSWORD,
        col(AccountToken.created_at) > since,
    )
    return int(await session.scalar(stmt) or 0)


async def request_password_reset(session: AsyncSession, settings: Settings, *, email: str, base_url: str) -> None:
    """Queue a reset link to ``email`` when it is an active account's address; otherwise do nothing.
    The caller answers the same in both cases. An address gets at most ``password_resets_per_hour``
    links an hour (further requests are answered alike and send nothing), whatever the client."""
    email = normalise_email(email)
    if not email or has_control(email):
        return
    user = await session.scalar(sa.select(User).where(col(User.email) == email))
    if user is None or not user.is_active or user.id is None:
        return
    if await _recent_resets(session, user.id) >= settings.password_resets_per_hour:
        return
    minutes = settings.password_reset_minutes
    token = await issue_token(session, user, TokenPurpose.RESET_PASSWORD, timedelta(minutes=minutes))
    await queue_message(
        session,
        kind=MessageKind.PASSWORD_RESET,
        template="password_reset",
        context={"name": user.name, "link": link(base_url, RESET_PATH, token), "minutes": minutes},
        key=f"reset:{token_digest(token)}",
        email=user.email,
        language=user.language or "id",
        user_id=user.id,
    )


async def _find(session: AsyncSession, token: str, purpose: TokenPurpose) -> AccountToken:
    if not token or len(token) > 200 or has_control(token):
        raise BadLink(LinkFault.INVALID)
    row = await session.scalar(
        sa.select(AccountToken).where(
            col(AccountToken.token_hash) == token_digest(token), col(AccountToken.purpose) == purpose
        )
    )
    if row is None:
        raise BadLink(LinkFault.INVALID)
    if row.used_at is not None:
        raise BadLink(LinkFault.USED)
    if as_utc(row.expires_at) <= utcnow():
        raise BadLink(LinkFault.EXPIRED)
    return row


async def check_reset_link(session: AsyncSession, token: str) -> None:
    """Raise :class:`BadLink` unless ``token`` is a live password-reset link (the form is shown)."""
    await _find(session, token, TokenPurpose.RESET_PASSWORD)


async def _use(session: AsyncSession, token: str, purpose: TokenPurpose) -> User:
    """Spend the link: the conditional update lets exactly one of two simultaneous uses through."""
    row = await _find(session, token, purpose)
    now = utcnow()
    spent = await session.execute(
        sa.update(AccountToken)
        .where(col(AccountToken.id) == row.id, col(AccountToken.used_at).is_(None))
        .values(used_at=now)
    )
    if getattr(spent, "rowcount", 0) != 1:
        raise BadLink(LinkFault.USED)
    user = await session.get(User, row.user_id, populate_existing=True)
    if user is None or not user.is_active:
        raise BadLink(LinkFault.INVALID)
    if user.email != row.email:  # the address changed since: the link proves nothing about the new one
        raise BadLink(LinkFault.INVALID)
    return user


async def reset_password(
    session: AsyncSession, passwords: Passwords, *, token: str, password: str, repeat: str
) -> User:
    """Set a new password through a reset link: the link is spent, every other reset link of the
    user too, and every log-in of the user ends. Following the link also proves the address."""
    check_password_strength(password)
    if password != repeat:
        raise InvalidInput(fields=[FieldProblem("repeat", "The two passwords differ.")])
    user = await _use(session, token, TokenPurpose.RESET_PASSWORD)
    assert user.id is not None
    now = utcnow()
    user.password_hash = await passwords.hash(password)
    if user.email_verified_at is None:
        user.email_verified_at = now
    await session.execute(
        sa.update(AccountToken)
        .where(
            col(AccountToken.user_id) == user.id,
            col(AccountToken.purpose) == TokenPurpose.RESET_PASSWORD,
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=now)
    )
    await session.execute(sa.delete(AuthSession).where(col(AuthSession.user_id) == user.id))
    await session.flush()
    return user


async def send_verification(session: AsyncSession, links: LinkSettings, user: User) -> None:
    """Queue a link that proves ``user`` reads their address (at sign-up, or asked again)."""
    assert user.id is not None
    hours = links.verify_hours
    token = await issue_token(session, user, TokenPurpose.VERIFY_EMAIL, timedelta(hours=hours))
    await queue_message(
        session,
        kind=MessageKind.VERIFY_EMAIL,
        template="verify_email",
        context={"name": user.name, "link": link(links.base_url, VERIFY_PATH, token), "hours": hours},
        key=f"verify:{token_digest(token)}",
        email=user.email,
        language=user.language or "id",
        user_id=user.id,
    )


async def verify_email(session: AsyncSession, token: str) -> User:
    user = await _use(session, token, TokenPurpose.VERIFY_EMAIL)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    await session.flush()
    return user


async def resend_verification(session: AsyncSession, links: LinkSettings, user_id: int) -> bool:
    """A new verification link for a logged-in user not yet verified (False: nothing to send, or
    one was sent less than a minute ago)."""
    user = await session.get(User, user_id)
    if user is None or user.email_verified_at is not None:
        return False
    last = await session.scalar(
        sa.select(sa.func.max(col(AccountToken.created_at))).where(
            col(AccountToken.user_id) == user_id, col(AccountToken.purpose) == TokenPurpose.VERIFY_EMAIL
        )
    )
    if last is not None and as_utc(last) > utcnow() - timedelta(minutes=1):
        return False
    await send_verification(session, links, user)
    return True
