"""The exhibitor's sales pages (built for a phone): enter a day's sales, and its own figures."""

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors import service as exhibitors
from booths.sales import service as sales
from booths.sales.forms import FIELDS, SalesForm
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires_exhibitor
from expo.errors import NotFound
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.web import page


def _day(value: str, days: list[date]) -> date | None:
    try:
        picked = date.fromisoformat(value)
    except ValueError:
        return None
    return picked if picked in days else None


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    *,
    day: str = "",
    form: SalesForm | None = None,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    # Read here, not passed in: after a refused form the session was rolled back and earlier objects expired.
    exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id)
    context: dict[str, Any] = {"exhibitor": exhibitor, "expo": None, "days": [], "form": None}
    if exhibitor is not None and exhibitor.id is not None:
        expo = await venue.get_expo(db_session, exhibitor.expo_id)
        days = await sales.expo_days(db_session, exhibitor.expo_id)
        picked = _day(day, days) or sales.default_day(expo, days)
        own = {s.day: s for s in await sales.sales_of_exhibitor(db_session, exhibitor.id)}
        state = sales.day_state(expo, picked) if picked else None
        context |= {
            "expo": expo,
            "days": [{"day": d, "state": sales.day_state(expo, d), "sale": own.get(d)} for d in days],
            "picked": picked,
            "state": state,
            "sale": own.get(picked) if picked else None,
            "form": (
                form or SalesForm.of(own.get(picked) if picked else None, picked.isoformat() if picked else "")
            ).model_dump(),
            "total": sum(s.cash + s.transfer for s in own.values()),
            "lock_hour": sales.LOCK_HOUR,
        }
    return page(
        request,
        "sales/my_sales.html",
        status_code=status_code,
        errors=errors or FormErrors(),
        notice=notice,
        **context,
    )


@get("/my-sales", include_in_schema=False, guards=[requires_exhibitor])
async def my_sales(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    day: FromQuery[Annotated[str, Parameter(max_length=10)]] = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
) -> Template:
    notice = gettext("Your sales for the day are saved. Thank you!") if msg == "saved" else None
    return await _render(request, db_session, user, day=day, notice=notice)


@post("/my-sales", include_in_schema=False, guards=[requires_exhibitor])
async def my_sales_submit(
    request: Request[Any, Any, Any],
    *,
    data: Annotated[SalesForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def save() -> date:
        exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id)
        if exhibitor is None or exhibitor.id is None:
            raise NotFound("There is no exhibitor registration for this account.", code="exhibitor_not_found")
        sale = await sales.enter_sales(db_session, user, exhibitor.id, data.entry())
        return sale.day

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, user, day=data.day, form=data, errors=errors, status_code=status)

    return await submit(
        db_session, save, rerender=again, done=lambda day: f"/my-sales?day={day.isoformat()}&msg=saved", fields=FIELDS
    )


PAGE_HANDLERS = [my_sales, my_sales_submit]
