"""The treasurer's bank statement page: import a statement, see each transfer in matched to a bill, approve.

Reading, matching and paying are rules of ``booths.billing.statement_import``; this module reads the
upload and the form, and shows the page (again, with the reason, when something is refused).
"""

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import statement_import
from booths.billing.statement import MAX_BYTES
from booths.billing.statement_import import ImportOutcome
from booths.venue.models import Expo
from booths.venue.service import get_expo_by_slug
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import FieldProblem, InvalidInput, TooLarge
from expo.forms import FormErrors, Rerender, submit
from expo.i18n import N_, translate
from expo.permissions import Area
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.web import page

TEMPLATE = "billing/statement.html"
FORM_OVERHEAD = 64 * 1024  # the CSRF token and the multipart boundaries around the file


def _path(slug: str) -> str:
    return f"/admin/e/{slug}/payments/statement"


def _notice(code: str, n: str) -> str | None:
    count = int(n) if n.isdigit() else 0
    if code == "approved":
        return translate(N_("Transfers recorded as payments: %(n)s."), {"n": count})
    return None


async def _expo(db_session: AsyncSession, slug: str) -> Expo:
    expo = await get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return expo


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    expo: Expo,
    user: CurrentUser,
    *,
    outcome: ImportOutcome | None = None,
    notice: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    assert expo.id is not None
    seen = await statement_import.review(db_session, expo.id, by=user)
    return page(
        request,
        TEMPLATE,
        status_code=status_code,
        expo=expo,
        outcome=outcome,
        proposals=seen.proposals,
        unmatched=seen.unmatched,
        approved=seen.approved,
        waiting=seen.waiting,
        shown=statement_import.SHOWN,
        notice=notice,
        error=errors.text() if errors else None,
    )


def _again(request: Request[Any, Any, Any], db_session: AsyncSession, slug: str, user: CurrentUser) -> Rerender:
    async def rerender(errors: FormErrors, status: int) -> Response[Any]:
        expo = await _expo(db_session, slug)
        return await _render(request, db_session, expo, user, errors=errors, status_code=status)

    return rerender


@get("/admin/e/{slug:str}/payments/statement", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_statement(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
    n: FromQuery[Annotated[str, Parameter(max_length=8)]] = "",
) -> Template:
    return await _render(request, db_session, await _expo(db_session, slug), user, notice=_notice(msg, n))


async def _statement_file(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    """The uploaded file and its name, refused when larger than a statement can be (before reading it
    when the request says its size)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES + FORM_OVERHEAD:
        raise TooLarge(params={"max": MAX_BYTES}, code="statement_too_large")
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        message = N_("Choose the statement file (CSV or XLSX) to import.")
        raise InvalidInput(message, code="statement_missing", fields=[FieldProblem("file", message)])
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TooLarge(params={"max": MAX_BYTES}, code="statement_too_large")
    return data, upload.filename


@post(
    "/admin/e/{slug:str}/payments/statement",
    include_in_schema=False,
    status_code=200,
    guards=[requires(Area.PAYMENTS)],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def admin_statement_import(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    expo_id, today = expo.id, datetime.now(ZoneInfo(expo.timezone)).date()

    async def read() -> ImportOutcome:
        data, filename = await _statement_file(request)
        return await statement_import.import_statement(db_session, expo_id, data, filename, by=user, today=today)

    async def shown(outcome: ImportOutcome) -> Response[Any]:
        # Shown at once rather than after a redirect: the unreadable lines are this upload's, not stored.
        return await _render(request, db_session, await _expo(db_session, slug), user, outcome=outcome)

    return await submit(db_session, read, rerender=_again(request, db_session, slug, user), done=shown)


@post(
    "/admin/e/{slug:str}/payments/statement/approve",
    include_in_schema=False,
    guards=[requires(Area.PAYMENTS)],
)
async def admin_statement_approve(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id
    form = await request.form()

    async def approve() -> int:
        choices: dict[int, int] = {}
        for raw in form.getall("line", [])[: statement_import.MAX_APPROVE + 1]:
            line = str(raw)
            bill = str(form.get(f"bill_{line}", ""))
            if not line.isdigit() or len(line) > 12:
                raise InvalidInput(code="statement_line_not_found")
            if not bill.isdigit() or len(bill) > 12:
                raise InvalidInput(
                    N_("Choose the bill for each ticked transfer that fits several."), code="statement_bill_missing"
                )
            choices[int(line)] = int(bill)
        return await statement_import.approve_lines(db_session, expo_id, choices, by=user)

    return await submit(
        db_session,
        approve,
        rerender=_again(request, db_session, slug, user),
        done=lambda recorded: f"{_path(slug)}?msg=approved&n={recorded}",
    )


PAGE_HANDLERS = [admin_statement, admin_statement_import, admin_statement_approve]
