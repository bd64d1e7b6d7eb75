"""Why a message failed, as a message id and its values: stored in English (for search and the API)
and translated when an organiser's page shows it. The details (a server's answer) stay as given."""

from dataclasses import dataclass, field
from typing import Any

from expo.i18n import translate

LIMIT = 480


@dataclass(frozen=True)
class Reason:
    msgid: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """In English, as stored in ``message.reason``."""
        try:
            return (self.msgid % self.params if self.params else self.msgid)[:LIMIT]
        except (KeyError, ValueError, TypeError):
            return self.msgid[:LIMIT]

    def columns(self) -> dict[str, Any]:
        """The values of the message's reason columns."""
        return {"reason": self.text, "reason_id": self.msgid, "reason_params": self.params}


def detail(value: object) -> str:
    return str(value).strip()[:300]


def shown(reason: str, reason_id: str, reason_params: dict[str, Any] | None) -> str:
    """A stored reason in the reader's language."""
    if not reason_id:
        return reason
    return translate(reason_id, dict(reason_params or {}))
