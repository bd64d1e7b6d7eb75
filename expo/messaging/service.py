"""Messages: queue them in the caller's transaction, deliver them from a job, list and retry them.

``queue_message`` renders the texts at once (so what is sent is what was true when it happened) and
writes one row per channel with a delivery job beside it; ``deliver`` is that job's work."""

import asyncio
import secrets
import weakref
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col

from expo import jobs
from expo.accounts import CurrentUser
from expo.database import contains_pattern
from expo.errors import Conflict, NotFound
from expo.formatting import utcnow
from expo.i18n import N_
from expo.messaging.email import Abandoned, Mailer, SendError, SmtpConfig, Unrecorded, build_email
from expo.messaging.models import Channel, Message, MessageStatus
from expo.messaging.reasons import Reason, detail
from expo.messaging.render import TemplateProblem, language_of, render
from expo.messaging.whatsapp import CloudApi, Gateway, WhatsAppError, WhatsAppProvider
from expo.metadata import table_of
from expo.models import Role
from expo.outbound_http import outbound_client
from expo.permissions import Area
from expo.phones import e164
from expo.settings import Settings

DELIVER_KIND = "message.deliver"
MAX_ATTEMPTS = 6  # tries of one delivery job (backoff between them) before the message is failed
_DONE = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.MANUAL, MessageStatus.FAILED)


NO_REASON = Reason("")


class RetryLater(Exception):
    """A passing failure: the job runner tries the delivery again after a pause."""


class Undeliverable(Exception):
    """The message is failed for good (its row says why); the job goes to the dead letter."""


# --- queueing ------------------------------------------------------------------------------------
def _recipient(channel: Channel, address: str) -> tuple[str, Reason | None]:
    """The address in its normal form, and why it cannot be used (None when it can)."""
    address = address.strip()
    if channel == Channel.EMAIL:
        try:
            return validate_email(address, check_deliverability=False).normalized, None
        except EmailNotValidError as exc:
            return address[:254], Reason(N_("not a valid e-mail address: %(detail)s"), {"detail": detail(exc)})
    try:
        return e164(address), None
    except ValueError:
        return address[:254], Reason(N_("not a valid WhatsApp number"))


def _message_insert(insert: Any) -> Any:
    table = table_of(Message)
    return insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)


# Built once, the values passed as parameters (a statement built per message cost SQLAlchemy a cache
# key over every value, more than running it).
_INSERTS = {"postgresql": _message_insert(pg_insert), "sqlite": _message_insert(sqlite_insert)}


def _insert(session: AsyncSession) -> Any:
    return _INSERTS["postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"]


async def queue_message(
    session: AsyncSession,
    *,
    kind: str,
    template: str,
    context: dict[str, Any],
    key: str,
    email: str | None = None,
    phone: str | None = None,
    language: str = "id",
    expo_id: int | None = None,
    exhibitor_id: int | None = None,
    user_id: int | None = None,
) -> list[int]:
    """Queue message ``template`` to ``email`` and/or ``phone`` in the caller's transaction: one row
    per channel (key ``<key>:email``, ``<key>:whatsapp``) and a delivery job for each. A key queued
    before adds nothing (its ids are returned). A template that cannot be rendered (a variable
    missing) or an address that cannot be used gives a failed row with the reason, not an error."""
    language = language_of(language)
    targets = [(Channel.EMAIL, email), (Channel.WHATSAPP, phone)]
    wanted = [(channel, address) for channel, address in targets if address and address.strip()]
    if not wanted:
        return []
    try:
        texts = render(template, context, language)
        problem = None
    except TemplateProblem as exc:
        texts, problem = None, Reason(N_("the message could not be written: %(detail)s"), {"detail": detail(exc)})
    ids: list[int] = []
    now = utcnow()
    for channel, address in wanted:
        assert address is not None
        row_key = f"{key}:{channel.value}"[:200]
        recipient, unusable = _recipient(channel, address)
        reason = problem or unusable
        values = {
            "key": row_key,
            "expo_id": expo_id,
            "exhibitor_id": exhibitor_id,
            "user_id": user_id,
            "kind": kind[:64],
            "template": template[:64],
            "channel": channel.value,
            "recipient": recipient,
            "language": language,
            "subject": texts.subject if texts else "",
            "body_text": (texts.text if channel == Channel.EMAIL else texts.whatsapp) if texts else "",
            "body_html": texts.html if texts and channel == Channel.EMAIL else "",
            "status": (MessageStatus.FAILED if reason else MessageStatus.QUEUED).value,
            **(reason or NO_REASON).columns(),
            "provider": "",
            "provider_message_id": "",
            "attempts": 0,
            "claim": "",
            "created_at": now,
            "updated_at": now,
        }
        message_id = await session.scalar(_insert(session), values)
        if message_id is None:  # queued before (or meanwhile, by a transaction that committed first)
            message_id = await session.scalar(sa.select(col(Message.id)).where(col(Message.key) == row_key))
            assert message_id is not None
        elif not reason:
            await _enqueue(session, message_id, f"message:{row_key}", expo_id)
        ids.append(message_id)
    return ids


async def _enqueue(session: AsyncSession, message_id: int, key: str, expo_id: int | None) -> None:
    await jobs.enqueue(
        session,
        DELIVER_KIND,
        {"message_id": message_id},
        key=key[:200],
        expo_id=expo_id,
        max_attempts=MAX_ATTEMPTS,
        timeout_s=120,
    )


# --- delivery ------------------------------------------------------------------------------------
_mailers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[SmtpConfig, Mailer]]" = weakref.WeakKeyDictionary()


def _smtp_config(settings: Settings) -> SmtpConfig:
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        user=settings.smtp_user,
        password=settings.smtp_password,
        timeout=settings.smtp_timeout_seconds,
    )


def mailer_for(settings: Settings) -> Mailer:
    """The mailer of these settings in this event loop (its connections stay open between messages)."""
    config = _smtp_config(settings)
    mailers = _mailers.setdefault(asyncio.get_running_loop(), {})
    mailer = mailers.get(config)
    if mailer is None:
        mailer = mailers[config] = Mailer(config)
    return mailer


def whatsapp_provider(settings: Settings, client: httpx.AsyncClient) -> WhatsAppProvider | None:
    if settings.whatsapp_provider == "cloud":
        return CloudApi(
            client=client,
            base_url=settings.whatsapp_cloud_base_url,
            phone_number_id=settings.whatsapp_phone_number_id,
            token=settings.whatsapp_token,
        )
    if settings.whatsapp_provider == "gateway":
        return Gateway(
            client=client,
            url=settings.whatsapp_gateway_url,
            token=settings.whatsapp_token,
            phone_field=settings.whatsapp_gateway_phone_field,
            text_field=settings.whatsapp_gateway_text_field,
            phone_format=settings.whatsapp_gateway_phone_format,
            form=settings.whatsapp_gateway_form,
        )
    return None


_message = table_of(Message)  # delivery runs Core statements: one message at a time, many a second


def _engine(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    engine = sessionmaker.kw.get("bind")
    assert isinstance(engine, AsyncEngine)
    return engine


@dataclass
class _Attempt:
    """One delivery attempt of one message. It changes the message only while ``guard`` holds: an
    e-mail while it is still queued (then, once this attempt claimed it just before the server takes
    it, while it holds its ``claim``), a WhatsApp message while this attempt holds its claim."""

    engine: AsyncEngine
    message_id: int
    claim: str
    guard: list[Any]

    async def update(self, **values: Any) -> bool:
        """Change the message if the guard holds (committed at once); whether it did."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                _message.update()
                .where(_message.c.id == self.message_id, *self.guard)
                .values(updated_at=utcnow(), **values)
            )
            return bool(result.rowcount)

    def hold(self) -> None:
        """From now on the message is this attempt's by its claim."""
        self.guard = [_message.c.claim == self.claim]


async def _load(engine: AsyncEngine, message_id: int) -> Message | None:
    """The message if something is left to do for it."""
    async with engine.connect() as conn:
        row = (await conn.execute(_message.select().where(_message.c.id == message_id))).first()
    if row is None or row.status in _DONE:
        return None
    return Message(**row._mapping)


_INTERRUPTED = Reason(N_("interrupted while sending; it may have arrived: ask the recipient before sending it again"))


async def _fail_interrupted(engine: AsyncEngine, message: Message) -> None:
    """A message found ``sending`` by a new attempt: the attempt that claimed it died between handing
    it over and recording the answer (a killed worker, a database gone mid-send). The server or the
    provider may have taken it, and sending it again could send it twice, so it is failed for a
    person to check. Only while it is still as found: a live attempt that finishes meanwhile wins."""
    where = (_message.c.id == message.id, _message.c.claim == message.claim, _message.c.status == message.status)
    async with engine.begin() as conn:
        await conn.execute(
            _message.update()
            .where(*where)
            .values(status=MessageStatus.FAILED.value, **_INTERRUPTED.columns(), updated_at=utcnow())
        )


async def _claim_whatsapp(engine: AsyncEngine, message: Message, claim: str) -> bool:
    """Mark a WhatsApp message as being sent by this attempt (a compare-and-set, committed before the
    request: an HTTP request cannot be taken back)."""
    where = (_message.c.id == message.id, _message.c.claim == message.claim, _message.c.status == message.status)
    async with engine.begin() as conn:
        result = await conn.execute(
            _message.update().where(*where).values(status=MessageStatus.SENDING.value, claim=claim, updated_at=utcnow())
        )
        return bool(result.rowcount)


async def deliver(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, message_id: int, *, last_attempt: bool
) -> dict[str, Any]:
    """Send one queued message. Returns what happened; raises :class:`RetryLater` for a passing
    failure (unless ``last_attempt``) and :class:`Undeliverable` once the message is failed.

    An e-mail stays ``queued`` while its body goes to the server; the commit that claims it
    (``sending``) happens before the server is told to take it (``expo.messaging.email``), and only
    from ``queued``, so of two attempts one sends it and the other drops its connection; it is marked
    ``sent`` once the server answered. A WhatsApp message is claimed (``sending``) and committed
    before the request, since an HTTP request cannot be taken back. Either one found ``sending`` had
    its attempt die in between, and is failed for a person to check."""
    skipped = {"message_id": message_id, "skipped": True}
    engine = _engine(sessionmaker)
    message = await _load(engine, message_id)
    if message is None:
        return skipped
    if message.status == MessageStatus.SENDING:
        await _fail_interrupted(engine, message)
        return skipped
    claim = secrets.token_hex(8)
    attempt = _Attempt(engine, message_id, claim, [_message.c.status == MessageStatus.QUEUED.value])
    if message.channel != Channel.EMAIL:
        if not await _claim_whatsapp(engine, message, claim):
            return skipped
        attempt.hold()
    try:
        if message.channel == Channel.EMAIL:
            return await _deliver_email(attempt, message, settings)
        return await _deliver_whatsapp(attempt, message, settings)
    except (SendError, WhatsAppError) as exc:
        tries = _message.c.attempts + 1
        if exc.permanent or last_attempt:
            await attempt.update(status=MessageStatus.FAILED.value, attempts=tries, **exc.why.columns())
            raise Undeliverable(exc.reason) from exc
        await attempt.update(status=MessageStatus.QUEUED.value, attempts=tries, claim="", **exc.why.columns())
        raise RetryLater(exc.reason) from exc


async def _deliver_email(attempt: _Attempt, message: Message, settings: Settings) -> dict[str, Any]:
    if not settings.smtp_host:  # the local outbox: the row itself is the delivered message
        done = await attempt.update(
            status=MessageStatus.SENT.value,
            provider="outbox",
            **NO_REASON.columns(),
            sent_at=utcnow(),
            attempts=_message.c.attempts + 1,
        )
        return {"message_id": message.id, "provider": "outbox"} if done else {"message_id": message.id, "skipped": True}
    email = build_email(
        sender=settings.smtp_sender,
        recipient=message.recipient,
        subject=message.subject,
        text=message.body_text,
        html=message.body_html,
        message_key=message.key,
    )
    sent = {
        "status": MessageStatus.SENT.value,
        "provider": "smtp",
        **NO_REASON.columns(),
        "attempts": _message.c.attempts + 1,
        "provider_message_id": str(email["Message-ID"])[:200],
    }

    async def confirm() -> bool:
        """Claim it (committed) just before the server is told to take it."""
        claimed = await attempt.update(status=MessageStatus.SENDING.value, claim=attempt.claim)
        if claimed:
            attempt.hold()
        return claimed

    async def record(answer: str) -> None:
        await attempt.update(**sent, sent_at=utcnow())

    try:
        answer = await mailer_for(settings).send(email, settings.smtp_sender, message.recipient, confirm, record)
    except Abandoned:
        return {"message_id": message.id, "skipped": True}
    except Unrecorded as exc:  # delivered: record it once more; if that fails too, the row stays
        answer = exc.answer  # ``sending`` and the next attempt fails it as "may have arrived"
        await attempt.update(**sent, sent_at=utcnow())
    except SendError as exc:
        if exc.unconfirmed:  # handed over in full, the server's answer never came
            await attempt.update(
                status=MessageStatus.FAILED.value, attempts=_message.c.attempts + 1, **exc.why.columns()
            )
            raise Undeliverable(exc.reason) from exc
        raise
    return {"message_id": message.id, "provider": "smtp", "answer": answer[:200]}


async def _deliver_whatsapp(attempt: _Attempt, message: Message, settings: Settings) -> dict[str, Any]:
    async with outbound_client(settings.whatsapp_timeout_seconds) as client:
        provider = whatsapp_provider(settings, client)
        if provider is None:
            await attempt.update(
                status=MessageStatus.MANUAL.value,
                channel=Channel.MANUAL_WHATSAPP.value,
                provider="",
                **NO_REASON.columns(),
            )
            return {"message_id": message.id, "provider": "manual"}
        provider_id = await provider.send_text(message.recipient, message.body_text)
    await attempt.update(
        status=MessageStatus.SENT.value,
        provider=provider.name,
        provider_message_id=provider_id,
        **NO_REASON.columns(),
        sent_at=utcnow(),
        attempts=_message.c.attempts + 1,
    )
    return {"message_id": message.id, "provider": provider.name, "provider_message_id": provider_id}


@jobs.job_handler(DELIVER_KIND, label=N_("Sending a message"))
async def deliver_job(ctx: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return await deliver(ctx.sessionmaker, ctx.settings, int(payload["message_id"]), last_attempt=ctx.last_attempt)
    except Undeliverable as exc:
        raise jobs.PermanentFailure(str(exc)) from exc


# --- reading and retrying ------------------------------------------------------------------------
@dataclass(frozen=True)
class MessagePage:
    rows: list[Message]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def may_read(user: CurrentUser, message: Message) -> bool:
    """Who reads a message: the expo's committee in its messages area; a message of no expo (an
    account's link: password reset, e-mail verification) only an organiser account, and only while
    it sits in the local outbox (no SMTP server set: the demo), never one sent for real."""
    if message.expo_id is not None:
        return user.may(message.expo_id, Area.MESSAGES)
    return message.provider == "outbox" and (user.everything or user.role is Role.ORGANISER)


def readable_clause(user: CurrentUser) -> Any:
    """``may_read`` as SQL, for lists."""
    expos = [expo_id for expo_id in user.committee if user.may(expo_id, Area.MESSAGES)]
    if user.everything:
        return sa.true()
    own = col(Message.expo_id).in_(expos) if expos else sa.false()
    if user.role is Role.ORGANISER:
        return sa.or_(own, sa.and_(col(Message.expo_id).is_(None), col(Message.provider) == "outbox"))
    return own


async def list_messages(
    session: AsyncSession,
    *,
    reader: CurrentUser | None = None,
    expo_id: int | None = None,
    exhibitor_id: int | None = None,
    status: MessageStatus | None = None,
    q: str | None = None,
    provider: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> MessagePage:
    """Messages, newest first: of an expo (or of none), an exhibitor, a status; ``q`` searches the
    recipient, subject and kind."""
    where: list[Any] = []
    if reader is not None:
        where.append(readable_clause(reader))
    if expo_id is not None:
        where.append(Message.expo_id == expo_id)
    if exhibitor_id is not None:
        where.append(Message.exhibitor_id == exhibitor_id)
    if status is not None:
        where.append(Message.status == status.value)
    if provider is not None:
        where.append(Message.provider == provider)
    if q:
        pattern = contains_pattern(q.lower())
        where.append(
            sa.or_(
                sa.func.lower(Message.recipient).like(pattern, escape="\\"),
                sa.func.lower(Message.subject).like(pattern, escape="\\"),
                sa.func.lower(Message.kind).like(pattern, escape="\\"),
            )
        )
    total = await session.scalar(sa.select(sa.func.count()).select_from(Message).where(*where)) or 0
    page = max(1, page)
    rows = await session.scalars(
        sa.select(Message)
        .where(*where)
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return MessagePage(rows=list(rows), total=total, page=page, per_page=per_page)


async def get_message(
    session: AsyncSession, message_id: int, *, expo_id: int | None = None, reader: CurrentUser | None = None
) -> Message:
    """One message (of ``expo_id`` if given); a ``reader`` who may not read it finds none."""
    message = await session.get(Message, message_id)
    if (
        message is None
        or (expo_id is not None and message.expo_id != expo_id)
        or (reader is not None and not may_read(reader, message))
    ):
        raise NotFound("No such message.", code="message_not_found")
    return message


async def record_provider_status(
    session: AsyncSession, provider: str, provider_message_id: str, status: str, reason: str = ""
) -> bool:
    """What a provider reported about a message it took: ``delivered`` (or ``read``) marks it
    delivered, ``failed`` fails it with the provider's reason; other reports change nothing. Whether a
    message changed."""
    if not provider_message_id:
        return False
    where = (col(Message.provider) == provider, col(Message.provider_message_id) == provider_message_id[:200])
    if status in {"delivered", "read"}:
        change = sa.update(Message).where(*where, col(Message.status) == MessageStatus.SENT.value)
        values: dict[str, Any] = {"status": MessageStatus.DELIVERED.value}
    elif status == "failed":
        statuses = (MessageStatus.SENT.value, MessageStatus.DELIVERED.value)
        change = sa.update(Message).where(*where, col(Message.status).in_(statuses))
        why = Reason(N_("the provider reported: %(detail)s"), {"detail": detail(reason)}) if reason else None
        values = {
            "status": MessageStatus.FAILED.value,
            **(why or Reason(N_("the provider could not deliver it"))).columns(),
        }
    else:
        return False
    result = await session.execute(change.values(updated_at=utcnow(), **values))
    return bool(getattr(result, "rowcount", 0))


def can_retry(message: Message) -> bool:
    """Could sending this failed message again help? Not when it could not be written or its address
    is unusable."""
    return (
        message.status == MessageStatus.FAILED
        and bool(message.body_text)
        and not _recipient(Channel(message.channel), message.recipient)[1]
    )


async def retry_message(session: AsyncSession, message_id: int, *, expo_id: int | None = None) -> Message:
    """Queue a failed message again (a new delivery job; the key of each try differs)."""
    message = await get_message(session, message_id, expo_id=expo_id)
    if message.status != MessageStatus.FAILED:
        raise Conflict("Only a failed message can be sent again.", code="message_not_failed")
    if not can_retry(message):
        raise Conflict(
            "This message could not be written or has no usable address; it cannot be sent again.",
            code="message_not_sendable",
        )
    message.status = MessageStatus.QUEUED
    message.reason, message.reason_id, message.reason_params = "", "", {}
    message.claim = ""
    message.updated_at = utcnow()
    session.add(message)
    await session.flush()
    assert message.id is not None
    await _enqueue(
        session, message.id, f"message:{message.key}:retry{message.attempts}:{secrets.token_hex(4)}", message.expo_id
    )
    return message


async def mark_sent_by_hand(session: AsyncSession, message_id: int, *, expo_id: int | None = None) -> Message:
    """A committee member sent a manual WhatsApp message through its link."""
    message = await get_message(session, message_id, expo_id=expo_id)
    if message.status != MessageStatus.MANUAL:
        raise Conflict("Only a message waiting to be sent by hand can be marked as sent.", code="message_not_manual")
    message.status = MessageStatus.SENT
    message.provider = "manual"
    message.sent_at = message.updated_at = utcnow()
    session.add(message)
    await session.flush()
    return message
