"""The payment set-up's pictures: the treasurer uploads the expo's QRIS code and a signature or stamp
(one form each on the set-up page); the QRIS code is shown to an exhibitor who owes money on its bill
page, the signature only on printed receipts."""

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Stream, Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import views
from booths.billing.admin_pages import render_setup
from booths.billing.bills import payment_setup
from booths.billing.images import MAX_EDGE, SetupImage, set_image
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires, requires_exhibitor_or_organiser
from expo.errors import FieldProblem, InvalidInput, NotFound
from expo.forms import FormErrors, submit
from expo.i18n import N_
from expo.permissions import Area
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.storage import Storage, file_response
from expo.uploads import IMAGES, check_upload_in_thread, form_with_file


def _which(name: str) -> SetupImage:
    try:
        return SetupImage(name)
    except ValueError:
        raise NotFound("No such picture.", code="image_not_found") from None


@post(
    "/admin/e/{slug:str}/payments/setup/{which:str}",
    include_in_schema=False,
    guards=[requires(Area.PAYMENTS)],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def image_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    which: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
    settings: NamedDependency[Settings],
    storage: NamedDependency[Storage],
) -> Response[Any]:
    replaced: list[str] = []

    async def save() -> None:
        kind = _which(which)
        expo = await venue.get_expo_by_slug(db_session, slug)
        assert expo.id is not None
        fields, data = await form_with_file(request, settings.max_upload_bytes)
        checked = None
        if not fields.get("remove"):
            if data is None:
                message = N_("Choose a picture (JPEG, PNG or WebP).")
                raise InvalidInput(message, code="upload_missing", fields=[FieldProblem("file", message)])
            checked = await check_upload_in_thread(
                data, allowed=IMAGES, max_bytes=settings.max_upload_bytes, max_edge=MAX_EDGE
            )
        old = await set_image(db_session, storage, expo.id, kind, checked, user)
        if old:
            replaced.append(old)

    async def again(errors: FormErrors, status: int) -> Template:
        return await render_setup(request, db_session, slug, errors=errors, status_code=status)

    response = await submit(
        db_session, save, rerender=again, done=f"/admin/e/{slug}/payments/setup?msg=image_saved#images", fields={"file"}
    )
    for key in replaced:  # committed: the row points at the new file; the old one may go
        await storage.delete(key)
    return response


@get("/admin/e/{slug:str}/payments/setup/{which:str}", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def image_view(
    *,
    slug: FromPath[str],
    which: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    storage: NamedDependency[Storage],
) -> Stream:
    kind = _which(which)
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    setup = await payment_setup(db_session, expo.id)
    key = setup.qris_image_key if kind == SetupImage.QRIS else setup.signature_image_key
    if not key:
        raise NotFound("No such picture.", code="image_not_found")
    return await file_response(storage, key, filename=kind.value)


@get("/my-bills/{bill_id:int}/qris", include_in_schema=False, guards=[requires_exhibitor_or_organiser])
async def bill_qris(
    *,
    bill_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    storage: NamedDependency[Storage],
) -> Stream:
    """The expo's QRIS code, for the exhibitor whose bill it is."""
    detail = await views.bill_for_exhibitor(db_session, bill_id, user)
    setup = await payment_setup(db_session, detail.bill.expo_id)
    if not setup.qris_image_key:
        raise NotFound("No such picture.", code="image_not_found")
    return await file_response(storage, setup.qris_image_key, filename="qris")


PAGE_HANDLERS = [image_submit, image_view, bill_qris]
