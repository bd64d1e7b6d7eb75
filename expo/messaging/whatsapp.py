"""WhatsApp providers: the WhatsApp Business Cloud API, or a generic HTTP gateway as local providers
offer (URL, token and field names from settings). Without a provider, messages are sent by hand
through a ``wa.me`` click-to-chat link with the text filled in.

A provider either returns its id of the message or raises :class:`WhatsAppError`, ``permanent`` for
answers that trying again cannot change (an invalid number or one not on WhatsApp, a refused token,
any other 4xx but 429) and passing for the rest (5xx, 429, timeouts, unreachable)."""

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from expo.i18n import N_
from expo.messaging.reasons import Reason, detail


class WhatsAppError(Exception):
    def __init__(self, msgid: str, permanent: bool, **values: object) -> None:
        self.why = Reason(msgid, {k: detail(v) for k, v in values.items()})
        super().__init__(self.why.text)
        self.reason = self.why.text
        self.permanent = permanent


class WhatsAppProvider(Protocol):
    name: str

    async def send_text(self, phone: str, text: str) -> str:
        """Send ``text`` to ``phone`` (E.164); the provider's message id."""
        ...


def _error_text(response: httpx.Response) -> str:
    """What a provider said about a refusal, briefly (Cloud API: ``error.message``; gateways vary)."""
    try:
        body: Any = response.json()
    except ValueError:
        return response.text.strip()[:200]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            details = error.get("error_data", {}).get("details") if isinstance(error.get("error_data"), dict) else None
            return str(details or error.get("message") or error)[:200]
        for field in ("reason", "message", "detail", "error", "status"):
            if body.get(field):
                return str(body[field])[:200]
    return str(body)[:200]


def _check(response: httpx.Response) -> None:
    status = response.status_code
    if status < 300:
        return
    text = _error_text(response)
    if status == 429 or status >= 500:
        raise WhatsAppError(
            N_("the WhatsApp provider answered %(status)s: %(detail)s"), False, status=status, detail=text
        )
    raise WhatsAppError(
        N_("the WhatsApp provider refused the message (%(status)s): %(detail)s"), True, status=status, detail=text
    )


async def _post(client: httpx.AsyncClient, url: str, **kwargs: Any) -> httpx.Response:
    try:
        return await client.post(url, **kwargs)
    except httpx.TimeoutException:
        raise WhatsAppError(N_("the WhatsApp provider did not answer in time"), False) from None
    except httpx.HTTPError as exc:
        raise WhatsAppError(N_("cannot reach the WhatsApp provider: %(detail)s"), False, detail=exc) from exc


@dataclass
class CloudApi:
    """WhatsApp Business Cloud API: ``POST {base_url}/{phone_number_id}/messages`` with a bearer token
    and a text message; the answer names the message (``messages[0].id``). A free-form text reaches
    only people who wrote to the number in the last 24 hours; others need an approved template."""

    client: httpx.AsyncClient
    base_url: str
    phone_number_id: str
    token: str
    name: str = "cloud"

    async def send_text(self, phone: str, text: str) -> str:
        url = f"{self.base_url.rstrip('/')}/{self.phone_number_id}/messages"
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": phone.lstrip("+"),
            "type": "text",
            "text": {"preview_url": True, "body": text[:4096]},
        }
        headers = {"Authorization": f"Bearer {self.token}"}
        response = await _post(self.client, url, json=payload, headers=headers)
        _check(response)
        try:
            return str(response.json()["messages"][0]["id"])[:200]
        except (ValueError, KeyError, IndexError, TypeError):
            raise WhatsAppError(N_("the WhatsApp provider answered without a message id"), False) from None


@dataclass
class Gateway:
    """A local provider's HTTP gateway: the number and the text in fields whose names are settings,
    as JSON (or a form), with the token as ``Authorization``. A 2xx answer is success unless its JSON
    says ``"status": false`` (a common way such gateways refuse)."""

    client: httpx.AsyncClient
    url: str
    token: str
    phone_field: str = "target"
    text_field: str = "message"
    phone_format: str = "digits"
    form: bool = False
    name: str = "gateway"

    async def send_text(self, phone: str, text: str) -> str:
        number = phone if self.phone_format == "e164" else phone.lstrip("+")
        fields = {self.phone_field: number, self.text_field: text}
        headers = {"Authorization": self.token} if self.token else {}
        sent = {"data": fields} if self.form else {"json": fields}
        response = await _post(self.client, self.url, headers=headers, **sent)
        _check(response)
        try:
            body: Any = response.json()
        except ValueError:
            return ""
        if isinstance(body, dict):
            if body.get("status") is False:
                raise WhatsAppError(
                    N_("the WhatsApp provider refused the message: %(detail)s"), True, detail=_error_text(response)
                )
            for field in ("id", "ids", "message_id", "messageId"):
                value = body.get(field)
                if isinstance(value, list):  # some gateways answer one id per target
                    value = value[0] if value else None
                if value:
                    return str(value)[:200]
        return ""
