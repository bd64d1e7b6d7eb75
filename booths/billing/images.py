"""The payment set-up's pictures: the expo's QRIS code (shown to exhibitors who owe money) and the
treasurer's signature or stamp (printed on receipts). Checked by content (``expo.uploads``), kept
through the storage interface, replaced (the old file is deleted after the commit's row points at
the new one), each change in the change log."""

from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing.documents import ImageLoader
from booths.billing.models import PaymentSetup
from expo import audit
from expo.accounts import CurrentUser
from expo.errors import Forbidden
from expo.formatting import utcnow
from expo.permissions import Area
from expo.storage import FileMissing, Storage, StorageKeyError, new_key
from expo.uploads import CheckedFile

# A QRIS code must stay sharp enough to scan from a phone screen; a signature is printed small.
MAX_EDGE = 1600


class SetupImage(StrEnum):
    QRIS = "qris"
    SIGNATURE = "signature"


def _column(which: SetupImage) -> str:
    return "qris_image_key" if which == SetupImage.QRIS else "signature_image_key"


async def set_image(
    session: AsyncSession,
    storage: Storage,
    expo_id: int,
    which: SetupImage,
    file: CheckedFile | None,
    actor: CurrentUser,
) -> str | None:
    """Store ``file`` as the expo's QRIS code or signature (``None``: remove it); returns the key of the
    file it replaced, for the caller to delete once the change is committed."""
    if not actor.may(expo_id, Area.PAYMENTS):
        raise Forbidden("Only the treasurer or an organiser may change how the expo is paid.", code="not_treasurer")
    setup = await session.get(PaymentSetup, expo_id)
    if setup is None:
        setup = PaymentSetup(expo_id=expo_id)
        session.add(setup)
    old: str | None = getattr(setup, _column(which))
    key = None
    if file is not None:
        key = new_key(f"payments/{which.value}", file.content_type)
        await storage.put(key, file.data, file.content_type)
    setattr(setup, _column(which), key)
    setup.updated_at = utcnow()
    await session.flush()
    await audit.record(
        session, actor, expo_id, f"payments.{which.value}_{'set' if key else 'removed'}", "", after={"file": bool(key)}
    )
    return old


def image_loader(storage: Storage) -> ImageLoader:
    """The documents' way to read a stored picture; a missing one prints as none rather than failing."""

    async def load(key: str) -> bytes | None:
        try:
            return await storage.get(key)
        except (FileMissing, StorageKeyError, FileNotFoundError):
            return None

    return load
