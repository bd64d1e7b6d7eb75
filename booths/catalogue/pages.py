"""The exhibitor's catalogue pages (built for a phone): ``/my-profile`` (story, order and shop links,
opening promotion, logo) and ``/my-products`` (list, add, edit, delete, move, photo); and the public
route that serves the catalogue's pictures.

Every handler finds the exhibitor from the account asking; a product id of another exhibitor is a
404 like a missing one. Pictures are written before the change is committed and settled after it
(``pictures.PictureSwap``): the replaced files go once the row no longer points at them, and the new
files go again if the change was refused.
"""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Stream, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.catalogue import pictures, products, profile
from booths.catalogue.images import image_url
from booths.catalogue.models import ExhibitorProfile, Product
from booths.catalogue.schemas import ProductIn, ProfileIn
from booths.exhibitors.service import exhibitor_of_user
from booths.fields import typed_rupiah
from expo.accounts import CurrentUser
from expo.auth import requires_exhibitor
from expo.errors import FieldProblem, InvalidInput, NotFound
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import N_, gettext
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.storage import FileMissing, Storage, StorageKeyError
from expo.uploads import form_with_file
from expo.web import page

PROFILE_FIELDS = {"story", "order_whatsapp", "shopee_url", "tokopedia_url", "tiktok_url", "instagram_url",
                  "website_url", "promotion"}  # fmt: skip
PRODUCT_FIELDS = {"name", "description", "price_min", "price_max", "unit", "halal_number", "pirt_number",
                  "stock_note"}  # fmt: skip
# A year: a variant's key is never used for other bytes (a new picture gets a new random key).
IMMUTABLE = "public, max-age=31536000, immutable"


def _notice(code: str) -> str | None:
    return {
        "saved": gettext("Your profile is saved."),
        "logo_saved": gettext("Your logo is saved."),
        "logo_removed": gettext("Your logo is removed."),
        "added": gettext("The product is added."),
        "product_saved": gettext("The product is saved."),
        "deleted": gettext("The product is deleted."),
    }.get(code)


def _committed(response: Response[Any]) -> bool:
    """``submit`` answers a redirect after its commit and a 4xx page after its rollback."""
    return response.status_code is not None and response.status_code < 400


def _missing_picture() -> InvalidInput:
    message = N_("Choose a picture (JPEG, PNG or WebP).")
    return InvalidInput(message, code="upload_missing", fields=[FieldProblem("file", message)])


# --- the profile ----------------------------------------------------------------------------------
class ProfileForm(BaseModel):
    story: str = ""
    order_whatsapp: str = ""
    shopee_url: str = ""
    tokopedia_url: str = ""
    tiktok_url: str = ""
    instagram_url: str = ""
    website_url: str = ""
    promotion: str = ""

    @classmethod
    def of(cls, stored: ExhibitorProfile | None) -> "ProfileForm":
        if stored is None:
            return cls()
        values = {name: getattr(stored, name) or "" for name in cls.model_fields}
        if values["order_whatsapp"]:
            values["order_whatsapp"] = f"+{values['order_whatsapp']}"
        return cls(**values)

    def checked(self) -> ProfileIn:
        return ProfileIn.model_validate({name: getattr(self, name)[:4000] for name in PROFILE_FIELDS})


async def _render_profile(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    *,
    form: ProfileForm | None = None,
    errors: FormErrors | None = None,
    logo_errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    # Read here, not passed in: after a refused form the session was rolled back and rows expired.
    exhibitor = await exhibitor_of_user(db_session, user.id)
    stored = await profile.profile_of(db_session, exhibitor.id) if exhibitor and exhibitor.id else None
    return page(
        request,
        "catalogue/my_profile.html",
        status_code=status_code,
        exhibitor=exhibitor,
        profile=stored,
        form=(form or ProfileForm.of(stored)).model_dump(),
        errors=errors or FormErrors(),
        logo_errors=logo_errors or FormErrors(),
        notice=notice,
        image_url=image_url,
    )


@get("/my-profile", include_in_schema=False, guards=[requires_exhibitor])
async def my_profile(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
) -> Template:
    return await _render_profile(request, db_session, user, notice=_notice(msg))


@post("/my-profile", include_in_schema=False, guards=[requires_exhibitor])
async def my_profile_submit(
    request: Request[Any, Any, Any],
    *,
    data: Annotated[ProfileForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def save() -> None:
        exhibitor = await profile.own_exhibitor(db_session, user)
        await profile.save_profile(db_session, exhibitor, data.checked())

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_profile(request, db_session, user, form=data, errors=errors, status_code=status)

    return await submit(db_session, save, rerender=again, done="/my-profile?msg=saved", fields=PROFILE_FIELDS)


@post("/my-profile/logo", include_in_schema=False, guards=[requires_exhibitor], request_max_body_size=UPLOAD_BODY_LIMIT)
async def my_logo_submit(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    storage: NamedDependency[Storage],
) -> Response[Any]:
    swap = pictures.PictureSwap()

    async def save() -> str:
        exhibitor = await profile.own_exhibitor(db_session, user)
        assert exhibitor.id is not None
        fields, data = await form_with_file(request, settings.max_upload_bytes)
        key = None
        if not fields.get("remove"):
            if data is None:
                raise _missing_picture()
            checked = await pictures.check_picture(data, max_bytes=settings.max_upload_bytes)
            key = await pictures.store_picture(storage, exhibitor.expo_id, checked)
            swap.written.append(key)
        old = await profile.set_logo(db_session, exhibitor, key)
        if old:
            swap.replaced.append(old)
        return "logo_saved" if key else "logo_removed"

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_profile(request, db_session, user, logo_errors=errors, status_code=status)

    response = await submit(
        db_session, save, rerender=again, done=lambda code: f"/my-profile?msg={code}#logo", fields={"file"}
    )
    await swap.settle(storage, committed=_committed(response))
    return response


# --- the products ---------------------------------------------------------------------------------
class ProductForm(BaseModel):
    name: str = ""
    description: str = ""
    price_min: str = ""
    price_max: str = ""
    unit: str = ""
    halal_number: str = ""
    pirt_number: str = ""
    stock_note: str = ""

    @classmethod
    def of(cls, stored: Product | None) -> "ProductForm":
        if stored is None:
            return cls()
        values = {name: getattr(stored, name) for name in cls.model_fields}
        return cls(**{name: "" if value is None else str(value) for name, value in values.items()})

    @classmethod
    def read(cls, fields: dict[str, str]) -> "ProductForm":
        return cls(**{name: fields.get(name, "")[:4000] for name in cls.model_fields})

    def checked(self) -> ProductIn:
        values: dict[str, Any] = self.model_dump()
        for name in ("price_min", "price_max"):
            values[name] = typed_rupiah(values[name])
        return ProductIn.model_validate(values)


async def _render_products(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    *,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    exhibitor = await exhibitor_of_user(db_session, user.id)
    listed = await products.products_of(db_session, exhibitor.id) if exhibitor and exhibitor.id else []
    return page(
        request,
        "catalogue/my_products.html",
        status_code=status_code,
        exhibitor=exhibitor,
        products=listed,
        max_products=products.MAX_PRODUCTS,
        errors=errors or FormErrors(),
        notice=notice,
        image_url=image_url,
    )


async def _render_product_form(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    product_id: int | None,
    *,
    form: ProductForm | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    stored = None
    exhibitor = await profile.own_exhibitor(db_session, user)
    assert exhibitor.id is not None
    if product_id is not None:
        stored = await products.own_product(db_session, exhibitor.id, product_id)
    return page(
        request,
        "catalogue/my_product_form.html",
        status_code=status_code,
        exhibitor=exhibitor,
        product=stored,
        form=(form or ProductForm.of(stored)).model_dump(),
        errors=errors or FormErrors(),
        image_url=image_url,
    )


@get("/my-products", include_in_schema=False, guards=[requires_exhibitor])
async def my_products(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
) -> Template:
    return await _render_products(request, db_session, user, notice=_notice(msg))


@get("/my-products/new", include_in_schema=False, guards=[requires_exhibitor])
async def my_product_new(
    request: Request[Any, Any, Any], *, user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
) -> Template:
    return await _render_product_form(request, db_session, user, None)


@get("/my-products/{product_id:int}", include_in_schema=False, guards=[requires_exhibitor])
async def my_product_edit(
    request: Request[Any, Any, Any],
    *,
    product_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template:
    return await _render_product_form(request, db_session, user, product_id)


async def _save_product(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    settings: Settings,
    storage: Storage,
    product_id: int | None,
) -> Response[Any]:
    """Add (``product_id`` None) or edit a product from its multipart form, photo included."""
    swap = pictures.PictureSwap()
    form = ProductForm()

    async def save() -> str:
        nonlocal form
        exhibitor = await profile.own_exhibitor(db_session, user)
        assert exhibitor.id is not None
        if product_id is not None:
            await products.own_product(db_session, exhibitor.id, product_id)  # not another's: before decoding
        else:
            await products.check_room(db_session, exhibitor.id)
        fields, data = await form_with_file(request, settings.max_upload_bytes)
        form = ProductForm.read(fields)
        checked = form.checked()
        key = None
        if data is not None:
            picture = await pictures.check_picture(data, max_bytes=settings.max_upload_bytes)
            key = await pictures.store_picture(storage, exhibitor.expo_id, picture)
            swap.written.append(key)
        if product_id is None:
            product = await products.add_product(db_session, exhibitor, checked, photo_key=key)
            return f"/my-products?msg=added#product-{product.id}"
        await products.update_product(db_session, exhibitor.id, product_id, checked)
        if key or fields.get("remove_photo"):
            old = await products.set_photo(db_session, exhibitor.id, product_id, key)
            if old:
                swap.replaced.append(old)
        return f"/my-products?msg=product_saved#product-{product_id}"

    async def again(errors: FormErrors, status: int) -> Response[Any]:
        if errors.code in {"product_not_found", "exhibitor_not_found"}:
            return await _render_products(request, db_session, user, errors=errors, status_code=status)
        return await _render_product_form(request, db_session, user, product_id, form=form, errors=errors,
                                          status_code=status)  # fmt: skip

    response = await submit(db_session, save, rerender=again, done=lambda path: path, fields=PRODUCT_FIELDS | {"file"})
    await swap.settle(storage, committed=_committed(response))
    return response


@post("/my-products/new", include_in_schema=False, guards=[requires_exhibitor], request_max_body_size=UPLOAD_BODY_LIMIT)
async def my_product_add(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    storage: NamedDependency[Storage],
) -> Response[Any]:
    return await _save_product(request, db_session, user, settings, storage, None)


@post(
    "/my-products/{product_id:int}",
    include_in_schema=False,
    guards=[requires_exhibitor],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def my_product_save(
    request: Request[Any, Any, Any],
    *,
    product_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    storage: NamedDependency[Storage],
) -> Response[Any]:
    return await _save_product(request, db_session, user, settings, storage, product_id)


class MoveForm(BaseModel):
    direction: str = ""


@post("/my-products/{product_id:int}/move", include_in_schema=False, guards=[requires_exhibitor])
async def my_product_move(
    request: Request[Any, Any, Any],
    *,
    product_id: FromPath[int],
    data: Annotated[MoveForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def move() -> None:
        if data.direction not in {"up", "down"}:
            raise InvalidInput("Choose one of the options.", code="bad_direction")
        exhibitor = await profile.own_exhibitor(db_session, user)
        assert exhibitor.id is not None
        await products.move_product(db_session, exhibitor.id, product_id, up=data.direction == "up")

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_products(request, db_session, user, errors=errors, status_code=status)

    return await submit(db_session, move, rerender=again, done=f"/my-products#product-{product_id}")


@post("/my-products/{product_id:int}/delete", include_in_schema=False, guards=[requires_exhibitor])
async def my_product_delete(
    request: Request[Any, Any, Any],
    *,
    product_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    storage: NamedDependency[Storage],
) -> Response[Any]:
    swap = pictures.PictureSwap()

    async def delete() -> None:
        exhibitor = await profile.own_exhibitor(db_session, user)
        assert exhibitor.id is not None
        key = await products.delete_product(db_session, exhibitor.id, product_id)
        if key:
            swap.replaced.append(key)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_products(request, db_session, user, errors=errors, status_code=status)

    response = await submit(db_session, delete, rerender=again, done="/my-products?msg=deleted")
    await swap.settle(storage, committed=_committed(response))
    return response


# --- the public pictures --------------------------------------------------------------------------
@get("/catalogue/images/{key:path}", include_in_schema=False)
async def catalogue_image(*, key: FromPath[str], storage: NamedDependency[Storage]) -> Stream:
    """A variant of a catalogue picture, for anyone (the profiles and products are public). Only keys
    of catalogue variants are served; every other stored file (proofs of transfer, documents) stays
    behind its owner's checks. Kept by browsers and proxies for a year: a key never changes bytes."""
    name = key.lstrip("/")
    if not pictures.is_catalogue_key(name):
        raise NotFound("No such picture.", code="image_not_found")
    try:
        stored = await storage.stat(name)
    except (StorageKeyError, FileMissing):
        raise NotFound("No such picture.", code="image_not_found") from None
    return Stream(
        storage.stream(name),
        media_type=stored.content_type,
        headers={
            "Content-Length": str(stored.size),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": IMMUTABLE,
            "Content-Disposition": "inline",
        },
    )


PAGE_HANDLERS = [
    my_profile,
    my_profile_submit,
    my_logo_submit,
    my_products,
    my_product_new,
    my_product_edit,
    my_product_add,
    my_product_save,
    my_product_move,
    my_product_delete,
    catalogue_image,
]
