"""Words for message statuses and channels on the organisers' pages."""

from expo.i18n import N_, gettext
from expo.messaging.models import Channel, Message, MessageStatus
from expo.messaging.reasons import shown

STATUS_LABELS = {
    MessageStatus.QUEUED: N_("Waiting to be sent"),
    MessageStatus.SENDING: N_("Sending"),
    MessageStatus.SENT: N_("Sent"),
    MessageStatus.DELIVERED: N_("Delivered"),
    MessageStatus.FAILED: N_("Failed"),
    MessageStatus.MANUAL: N_("Send by hand"),
}
CHANNEL_LABELS = {
    Channel.EMAIL: N_("E-mail"),
    Channel.WHATSAPP: N_("WhatsApp"),
    Channel.MANUAL_WHATSAPP: N_("WhatsApp (by hand)"),
}
PROVIDER_LABELS = {
    "smtp": N_("mail server"),
    "outbox": N_("local outbox"),
    "cloud": N_("WhatsApp Cloud API"),
    "gateway": N_("WhatsApp gateway"),
    "manual": N_("sent by hand"),
}


_STATUS = {s.value: text for s, text in STATUS_LABELS.items()}
_CHANNEL = {c.value: text for c, text in CHANNEL_LABELS.items()}


def status_label(status: str) -> str:
    return gettext(_STATUS[status]) if status in _STATUS else status


def channel_label(channel: str) -> str:
    return gettext(_CHANNEL[channel]) if channel in _CHANNEL else channel


def provider_label(provider: str) -> str:
    return gettext(PROVIDER_LABELS[provider]) if provider in PROVIDER_LABELS else provider


def reason_text(message: Message) -> str:
    """Why the message failed, in the reader's language (a server's own words stay as they were)."""
    return shown(message.reason, message.reason_id, message.reason_params)


MESSAGE_LABELS = {"status": status_label, "channel": channel_label, "provider": provider_label, "reason": reason_text}
