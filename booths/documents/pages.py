"""The exhibitor's documents page (built for a phone): what is on file per kind and what the desk said,
the upload form, and a document's file (for its exhibitor and the expo's desk only)."""

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Stream, Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.documents import service as documents
from booths.documents.models import DocumentKind
from booths.documents.preview import first_page_png_in_thread
from booths.exhibitors.service import exhibitor_of_user
from booths.venue.models import Expo
from expo.accounts import CurrentUser
from expo.auth import requires_exhibitor, requires_login
from expo.errors import FieldProblem, InvalidInput, NotFound
from expo.forms import FormErrors, submit
from expo.i18n import N_, gettext
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.storage import Storage, file_response
from expo.uploads import check_upload_in_thread, form_with_file
from expo.web import page

# A phone photo of a certificate stays readable at this size, and 12 MP becomes ~1 MB.
DOCUMENT_MAX_EDGE = 2400
FIELDS = {"kind", "number", "issued_on", "expires_on", "file"}


def _notice(code: str) -> str | None:
    return {
        "sent": gettext("Your document is sent. The registration desk checks it; you see its answer here."),
    }.get(code)


def _date(fields: dict[str, str], name: str) -> date | None:
    text = fields.get(name, "").strip()
    if not text:
        return None
    try:
        if len(text) != 10:  # fromisoformat also reads week dates and compact forms: only yyyy-mm-dd here
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        message = N_("Enter a date as year-month-day.")
        raise InvalidInput(message, code="invalid_date", fields=[FieldProblem(name, message)]) from None


def _kind(fields: dict[str, str]) -> DocumentKind:
    try:
        return DocumentKind(fields.get("kind", ""))
    except ValueError:
        message = N_("Choose one of the options.")
        raise InvalidInput(message, code="document_kind", fields=[FieldProblem("kind", message)]) from None


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    # Read here, not passed in: after a refused form the session was rolled back and objects expired.
    exhibitor = await exhibitor_of_user(db_session, user.id)
    context: dict[str, Any] = {"exhibitor": exhibitor, "expo": None, "summary": None}
    if exhibitor is not None:
        context["expo"] = await db_session.get(Expo, exhibitor.expo_id)
        context["summary"] = await documents.summary(db_session, exhibitor)
    picked = (values or {}).get("kind") or request.query_params.get("kind", "")
    return page(
        request,
        "documents/my_documents.html",
        status_code=status_code,
        values=(values or {}) | {"kind": picked if picked in {k.value for k in DocumentKind} else ""},
        errors=errors or FormErrors(),
        notice=notice,
        kinds=[k.value for k in DocumentKind],
        photo_kind=DocumentKind.PRODUCT_PHOTO.value,
        max_photos=documents.MAX_PRODUCT_PHOTOS,
        **context,
    )


@get("/my-documents", include_in_schema=False, guards=[requires_exhibitor])
async def my_documents(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
) -> Template:
    return await _render(request, db_session, user, notice=_notice(msg))


@post(
    "/my-documents",
    include_in_schema=False,
    guards=[requires_exhibitor],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def send_document(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    storage: NamedDependency[Storage],
) -> Response[Any]:
    values: dict[str, str] = {}

    async def send() -> None:
        fields, data = await form_with_file(request, settings.max_upload_bytes)
        values.update({k: v[:100] for k, v in fields.items() if k in FIELDS})
        kind = _kind(fields)
        exhibitor = await exhibitor_of_user(db_session, user.id)
        if exhibitor is None or exhibitor.id is None:
            raise NotFound(N_("There is no exhibitor registration for this account."), code="exhibitor_not_found")
        if data is None:
            message = N_("Choose the photo or PDF of the document.")
            raise InvalidInput(message, code="upload_missing", fields=[FieldProblem("file", message)])
        upload = (await request.form()).get("file")  # parsed once: form_with_file read it already
        file_name = str(getattr(upload, "filename", "") or "")
        entry = documents.DocumentIn(
            kind=kind,
            number=fields.get("number", "")[:100],
            issued_on=_date(fields, "issued_on"),
            expires_on=_date(fields, "expires_on"),
            file_name=file_name,
        )
        checked = await check_upload_in_thread(
            data, allowed=documents.allowed_files(kind), max_bytes=settings.max_upload_bytes, max_edge=DOCUMENT_MAX_EDGE
        )
        await documents.submit_document(db_session, storage, exhibitor.id, user=user, data=entry, file=checked)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, user, values=values, errors=errors, status_code=status)

    return await submit(
        db_session, send, rerender=again, done="/my-documents?msg=sent", fields=FIELDS, choices={"kind"}
    )


@get("/documents/{document_id:int}/file", include_in_schema=False, guards=[requires_login])
async def document_file(
    *,
    document_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    storage: NamedDependency[Storage],
    download: FromQuery[Annotated[str, Parameter(max_length=1)]] = "",
) -> Stream:
    """A document's file, for its exhibitor and the expo's desk (else 404); shown in the browser unless
    ``?download=1``."""
    document = await documents.document_for_viewer(db_session, document_id, user)
    return await file_response(storage, document.file_key, filename=document.file_name, inline=download != "1")


@get("/documents/{document_id:int}/preview.png", include_in_schema=False, guards=[requires_login])
async def document_preview(
    *,
    document_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    storage: NamedDependency[Storage],
) -> Response[bytes]:
    """The first page of a PDF document as a picture, for the same people as its file."""
    document = await documents.document_for_viewer(db_session, document_id, user)
    if document.content_type != "application/pdf":
        raise NotFound(N_("No such document."), code="document_not_found")
    picture = await first_page_png_in_thread(await storage.get(document.file_key))
    return Response(
        picture,
        media_type="image/png",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )


PAGE_HANDLERS = [my_documents, send_document, document_file, document_preview]
