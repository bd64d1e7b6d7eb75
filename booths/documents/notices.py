"""What the documents' review tells an exhibitor: a document rejected, or asked for again, and why."""

from sqlalchemy.ext.asyncio import AsyncSession

from booths.documents.models import ExhibitorDocument
from booths.exhibitors.models import Exhibitor
from booths.labels import document_kind_label
from booths.notifications.service import link, notify_exhibitor
from booths.venue.models import Expo
from expo.i18n import current_locale
from expo.message_kinds import MessageKind


async def document_returned(
    session: AsyncSession, exhibitor: Exhibitor, document: ExhibitorDocument, *, resubmit: bool
) -> None:
    expo = await session.get(Expo, exhibitor.expo_id)
    assert expo is not None
    kind = str(document.kind)
    await notify_exhibitor(
        session,
        kind=MessageKind.DOCUMENT_RETURNED,
        expo=expo,
        exhibitor=exhibitor,
        key=f"document:{document.id}:returned",
        context={
            # The kind's name in the recipient's language.
            "document": lambda language: _in_language(language, kind),
            "reason": document.reason or "",
            "resubmit": resubmit,
            "link": link("/my-documents"),
        },
    )


def _in_language(language: str, kind: str) -> str:
    """The kind's name in ``language`` (the labels read the current locale)."""
    token = current_locale.set(language)
    try:
        return document_kind_label(kind)
    finally:
        current_locale.reset(token)
