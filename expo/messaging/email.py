"""E-mail over SMTP (aiosmtplib), sent so that a crash never sends a message twice nor loses one
without saying so.

The message body goes to the server without its final ``.`` line; then the caller's ``confirm``
claims the message (a committed compare-and-set, ``queued`` -> ``sending``); only then is the ``.``
sent, which is when the server takes the message, and once the server has answered that it took it,
the caller's ``record`` marks it sent. A worker that dies before the claim leaves an unfinished
transaction the server throws away (the message is sent again on the next try). One that dies after
the claim and before ``record`` leaves the message ``sending``: the server may or may not have taken
it, nobody can tell, so the next attempt fails it for a person to check ("it may have arrived")
rather than send it twice or call it sent. A confirm that finds the message taken by another attempt
drops the connection instead, so the server delivers nothing.

Failures are sorted into passing ones (retried: server unreachable, timeouts, 4xx answers, a dropped
connection) and permanent ones (failed at once: TLS, authentication, 5xx answers such as an unknown
recipient), each with a reason a person can read."""

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr, formatdate, make_msgid, parseaddr

import aiosmtplib
from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings

from expo.i18n import N_
from expo.messaging.reasons import Reason, detail

Confirm = Callable[[], Awaitable[bool]]
Record = Callable[[str], Awaitable[None]]


class SendError(Exception):
    """Why a message was not sent: ``permanent`` ones are not tried again; ``unconfirmed`` ones were
    handed over in full but the server's answer never came (it may have arrived)."""

    def __init__(self, msgid: str, value: object = None, *, permanent: bool, unconfirmed: bool = False) -> None:
        self.why = Reason(msgid, {"detail": detail(value)} if value is not None else {})
        super().__init__(self.why.text)
        self.reason = self.why.text
        self.permanent = permanent
        self.unconfirmed = unconfirmed


class Abandoned(Exception):
    """The confirm step found the message taken by another attempt; nothing was delivered."""


class Unrecorded(Exception):
    """The server took the message but ``record`` failed (the cause is chained): it was delivered,
    and it must not be sent again."""

    def __init__(self, answer: str) -> None:
        super().__init__(answer)
        self.answer = answer


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # starttls, tls, none
    user: str
    password: str
    timeout: float


def build_email(*, sender: str, recipient: str, subject: str, text: str, html: str, message_key: str) -> Message:
    """The plain text, and the HTML as its alternative when there is one (UTF-8, quoted-printable).
    Built with the ``email.mime`` classes: the same message as ``EmailMessage`` makes, at a fraction
    of the cost of its header parsing (thousands of messages a minute go through here)."""
    plain = _text(text, "plain")
    if html:
        message: Message = MIMEMultipart("alternative")
        message.attach(plain)
        message.attach(_text(html, "html"))
    else:
        message = plain
    message["From"] = _header(sender)
    message["To"] = recipient
    message["Subject"] = _header(subject)
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "expo.local"
    message["Message-ID"] = make_msgid(idstring=message_key.replace(":", ".")[:60], domain=domain)
    message["X-Expo-Message"] = message_key[:200]
    return message


def _text(body: str, subtype: str) -> Message:
    """A UTF-8 text part, quoted-printable: readable in the raw message, and 7-bit safe."""
    charset = Charset("utf-8")
    charset.body_encoding = QP
    part = MIMENonMultipart("text", subtype)
    part.set_payload(body, charset)
    return part


def _header(value: str) -> str:
    """A header value; non-ASCII words (a name, an Indonesian subject) encoded as RFC 2047 asks."""
    if value.isascii():
        return value
    name, address = parseaddr(value)
    if address and "<" in value:
        return formataddr((name, address), charset="utf-8")
    return Header(value, "utf-8").encode()


def _answer(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {exc.message}".strip()


def classify(exc: BaseException, stage: str) -> SendError:  # noqa: PLR0911  (one answer per kind of failure)
    """A readable reason for an SMTP failure, and whether trying again could help."""
    if isinstance(exc, SendError):
        return exc
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return SendError(N_("TLS failure with the mail server: %(detail)s"), exc, permanent=True)
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return SendError(N_("the mail server refused the log-in: %(detail)s"), _answer(exc), permanent=True)
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPRecipientsRefused):
        code = getattr(exc, "code", 550)
        text = _answer(exc) if isinstance(exc, aiosmtplib.SMTPResponseException) else str(exc)
        return SendError(N_("the mail server refused the address: %(detail)s"), text, permanent=code >= 500)
    if isinstance(exc, aiosmtplib.SMTPConnectTimeoutError | aiosmtplib.SMTPTimeoutError | TimeoutError):
        return SendError(N_("the mail server did not answer in time"), permanent=False)
    if isinstance(exc, aiosmtplib.SMTPConnectError):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return SendError(N_("TLS failure with the mail server: %(detail)s"), cause, permanent=True)
        return SendError(N_("cannot reach the mail server: %(detail)s"), exc, permanent=False)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return SendError(N_("the mail server does not support this: %(detail)s"), exc, permanent=True)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return SendError(N_("the mail server answered: %(detail)s"), _answer(exc), permanent=exc.code >= 500)
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return SendError(N_("the mail server closed the connection"), permanent=False)
    if isinstance(exc, OSError):
        return SendError(N_("cannot reach the mail server: %(detail)s"), exc.strerror or exc, permanent=False)
    if isinstance(exc, aiosmtplib.SMTPException):  # the server lacks what the settings ask (STARTTLS, AUTH)
        return SendError(N_("the mail server cannot do what the settings ask: %(detail)s"), exc, permanent=True)
    return SendError(N_("sending failed: %(detail)s"), f"{type(exc).__name__}: {exc}", permanent=False)


class Mailer:
    """Sends over a few kept-open SMTP connections (one per message in flight)."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._idle: list[aiosmtplib.SMTP] = []

    async def _connect(self) -> aiosmtplib.SMTP:
        c = self.config
        client = aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            username=c.user or None,
            password=c.password or None,
            timeout=c.timeout,
            use_tls=c.security == "tls",
            start_tls=c.security == "starttls",
            tls_context=ssl.create_default_context() if c.security != "none" else None,
        )
        # The timeout bounds each step; this bounds the whole greeting, TLS and log-in too.
        await asyncio.wait_for(client.connect(), timeout=c.timeout * 2)
        return client

    async def send(self, message: Message, sender: str, recipient: str, confirm: Confirm, record: Record) -> str:
        """Send ``message``; ``confirm`` runs just before the server is told to take it, ``record``
        with the server's answer once it took it. Returns that answer; raises :class:`SendError`,
        :class:`Abandoned` or :class:`Unrecorded`."""
        reused = bool(self._idle)
        client = self._idle.pop() if reused else None
        stage = "connecting"
        try:
            if client is None:
                client = await self._connect()
            stage = "sending the envelope"
            try:
                await client.mail(sender)
            except (aiosmtplib.SMTPServerDisconnected, OSError):
                if not reused:
                    raise
                client.close()  # a kept connection the server has closed meanwhile: one fresh try
                stage = "connecting"
                client = await self._connect()
                stage = "sending the envelope"
                await client.mail(sender)
            await client.rcpt(recipient)
            stage = "sending the message"
            answer = await _data(client, message.as_bytes(), confirm, record, self.config.timeout)
        except (Abandoned, Unrecorded):
            if client is not None:
                client.close()
            raise
        except BaseException as exc:
            if client is not None:
                client.close()
            if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
                raise
            if isinstance(exc, SendError):
                raise
            raise classify(exc, stage) from exc
        self._idle.append(client)
        return answer

    async def close(self) -> None:
        while self._idle:
            client = self._idle.pop()
            try:
                await asyncio.wait_for(client.quit(), timeout=2)
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()


async def _data(client: aiosmtplib.SMTP, raw: bytes, confirm: Confirm, record: Record, wait: float) -> str:
    """DATA in two steps around ``confirm`` (aiosmtplib's ``data()`` sends both at once; this is its
    code with the final line held back), then ``record`` once the server took the message."""
    protocol = client.protocol
    if protocol is None or protocol._command_lock is None:
        raise aiosmtplib.SMTPServerDisconnected("Connection lost")
    body = PERIOD_REGEX.sub(b"..", normalize_message_line_endings(raw))
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    async with protocol._command_lock:
        protocol._response_pending = True
        protocol.write(b"DATA\r\n")
        start = await protocol.read_response(timeout=wait)
        if start.code != aiosmtplib.SMTPStatus.start_input:
            raise aiosmtplib.SMTPDataError(start.code, start.message)
        protocol.write(body)

        async def finish() -> str:
            if not await confirm():
                raise Abandoned
            try:
                protocol._response_pending = True
                protocol.write(b".\r\n")
                response = await protocol.read_response(timeout=wait)
            except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError) as exc:
                raise SendError(
                    N_("the mail server did not confirm receipt after the whole message was sent; it may have arrived"),
                    permanent=True,
                    unconfirmed=True,
                ) from exc
            if response.code != aiosmtplib.SMTPStatus.completed:
                raise aiosmtplib.SMTPDataError(response.code, response.message)
            answer = f"{response.code} {response.message}".strip()
            try:
                await record(answer)
            except Exception as exc:
                raise Unrecorded(answer) from exc
            return answer

        # Claiming the message, sending the final line and recording the server's answer belong
        # together: a worker stopping (its jobs cancelled) lets them finish rather than stop between.
        task = asyncio.ensure_future(finish())
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(task), timeout=wait)
            raise
