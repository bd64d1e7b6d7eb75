"""Messages that reach people: e-mail (SMTP, or the local outbox) and WhatsApp (a provider, or a
``wa.me`` link for sending by hand), queued in the transaction of the change that causes them and
delivered by the job runner (``expo.jobs``)."""

from expo.messaging.models import Channel, Message, MessageStatus
from expo.messaging.service import queue_message

__all__ = ["Channel", "Message", "MessageStatus", "queue_message"]
