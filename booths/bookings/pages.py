"""Public and exhibitor pages of the booths domain: expo home, sign-up, booth picker, my booking."""

from dataclasses import dataclass, field
from datetime import time
from typing import Annotated, Any

from babel.numbers import format_decimal
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings import service as bookings
from booths.bookings.models import BookingStatus
from booths.bookings.schemas import BookingRead
from booths.exhibitors import service as exhibitors
from booths.exhibitors.models import ExhibitorClass
from booths.exhibitors.schemas import ExhibitorSignup
from booths.venue import service as venue
from booths.venue.models import BoothPackage, Expo, ExpoDay
from booths.venue.schemas import BoothRead, ClusterRead
from expo.accounts import CurrentUser, start_session
from expo.auth import current_user, requires_exhibitor
from expo.auth_api import session_cookie
from expo.errors import DomainError
from expo.formatting import as_utc, format_date_range, format_rupiah, utcnow
from expo.i18n import current_locale, gettext, translate
from expo.models import Role
from expo.problems import field_message
from expo.security import Passwords
from expo.settings import Settings
from expo.web import page, redirect

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
ShortText = Annotated[str, Parameter(max_length=100)]
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


# --- labels shown for stored codes (message ids stay literal so that extraction finds them) ----
def status_label(status: str) -> str:
    labels = {
        "available": gettext("Available"),
        "held": gettext("Held"),
        "confirmed": gettext("Confirmed"),
        "blocked": gettext("Blocked"),
        "cancelled": gettext("Cancelled"),
        "expired": gettext("Expired"),
    }
    return labels.get(str(status), str(status))


def booth_type_label(booth_type: str) -> str:
    labels = {
        "inline": gettext("Inline"),
        "corner": gettext("Corner"),
        "island": gettext("Island"),
        "tent": gettext("Tent"),
    }
    return labels.get(str(booth_type), str(booth_type))


def class_label(exhibitor_class: str) -> str:
    labels = {
        "pesantren": gettext("Pesantren"),
        "koperasi": gettext("Cooperative (Koppontren)"),
        "umkm": gettext("UMKM"),
        "sponsor": gettext("Sponsor"),
        "government": gettext("Government agency"),
    }
    return labels.get(str(exhibitor_class), str(exhibitor_class))


def payment_method_label(method: str | None) -> str:
    labels = {
        "transfer": gettext("Bank transfer"),
        "cash": gettext("Cash"),
        "qris": gettext("QRIS"),
        "waived": gettext("Waived"),
        "other": gettext("Other"),
    }
    return labels.get(method or "", method or "")


def notice_text(code: str) -> str | None:
    """The notice a page shows after a successful action (``?msg=code``)."""
    notices = {
        "held": gettext("The booth is held for you. Pay before the hold runs out."),
        "confirmed_free": gettext("Your free booth is confirmed."),
        "held_for_approval": gettext(
            "The booth is held for you. The organisers check your exhibitor class first; "
            "once they approve it the stand is confirmed. The hold runs out like any other."
        ),
        "approved": gettext("The exhibitor is approved."),
        "rejected": gettext("The exhibitor's class is rejected; its stands cost the regular price."),
        "cancelled": gettext("The booking is cancelled."),
        "confirmed": gettext("The booking is confirmed."),
        "moved": gettext("The booking is moved."),
        "assigned": gettext("The booth is assigned."),
        "blocked": gettext("The booth is blocked."),
        "unblocked": gettext("The booth is open for booking again."),
    }
    return notices.get(code)


LABELS = {
    "status": status_label,
    "booth_type": booth_type_label,
    "exhibitor_class": class_label,
    "payment_method": payment_method_label,
}


def view(request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any) -> Template:
    """``page()`` with the label helpers every booths template uses."""
    return page(request, template, status_code=status_code, label=LABELS, rupiah=format_rupiah, **context)


# --- form errors ---------------------------------------------------------------------------------
@dataclass
class FormErrors:
    """Messages for a re-rendered form: per field, and those that belong to no shown field."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


# Whole-form rules of the schemas, shown at the field they are about.
_MODEL_RULE_FIELDS = {"Give the pesantren's name.": "pesantren_name"}


def validation_errors(exc: ValidationError, known: set[str], choices: frozenset[str] = frozenset()) -> FormErrors:
    errors = FormErrors()
    for item in exc.errors():
        name = ".".join(str(part) for part in item["loc"])
        msgid, params = field_message(item["msg"])
        name = name or _MODEL_RULE_FIELDS.get(msgid, "")
        if name in choices and item["type"] in {"enum", "literal_error"}:
            message = gettext("Choose one of the options.")
        elif isinstance(item.get("input"), str) and not item["input"].strip():
            message = gettext("This field is required.")
        else:
            message = translate(msgid, params)
        if name in known:
            errors.fields.setdefault(name, message)
        elif message not in errors.general:
            errors.general.append(message)
    return errors


def domain_errors(exc: DomainError, known: set[str]) -> FormErrors:
    errors = FormErrors()
    for problem in exc.fields:
        message = translate(problem.message, problem.params)
        if problem.field in known:
            errors.fields.setdefault(problem.field, message)
        else:
            errors.general.append(message)
    if not exc.fields:
        errors.general.append(translate(exc.message, exc.params))
    return errors


def number(value: float) -> str:
    return format_decimal(value, format="#,##0.##", locale=current_locale.get())


# --- expo home -----------------------------------------------------------------------------------
@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Template | Redirect:
    expo = await venue.default_expo(db_session)
    if expo is None:
        return view(request, "booths/no_expo.html")
    return Redirect(path=f"/e/{expo.slug}", status_code=303)


def _clock(value: time) -> str:
    return value.strftime("%H.%M" if current_locale.get() == "id" else "%H:%M")


def opening_hours(days: list[ExpoDay], timezone: str) -> list[dict[str, str]]:
    """Consecutive days with the same hours, as one line each."""
    groups: list[list[ExpoDay]] = []
    for day in days:
        last = groups[-1][-1] if groups else None
        if last and (last.opens_at, last.closes_at) == (day.opens_at, day.closes_at):
            groups[-1].append(day)
        else:
            groups.append([day])
    zone = ZONE_ABBREVIATIONS.get(timezone, timezone)
    return [
        {
            "days": format_date_range(group[0].day, group[-1].day),
            "hours": f"{_clock(group[0].opens_at)}–{_clock(group[0].closes_at)} {zone}",
        }
        for group in groups
    ]


@get("/e/{slug:str}", include_in_schema=False)
async def expo_home(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    days = await venue.expo_days(db_session, expo.id)
    available = await venue.list_booths(db_session, expo.id, status="available")
    return view(
        request,
        "booths/expo_home.html",
        expo=expo,
        days=days,
        hours=opening_hours(days, expo.timezone),
        available=len(available),
    )


# --- exhibitor sign-up ---------------------------------------------------------------------------
class SignupForm(BaseModel):
    name: str = ""
    exhibitor_class: str = ""
    nib: str = ""
    pesantren_name: str = ""
    regency: str = ""
    contact_name: str = ""
    whatsapp: str = ""
    email: str = ""
    cluster: str = ""
    description: str = ""
    password: str = ""


SIGNUP_FIELDS = set(SignupForm.model_fields)


async def _render_signup(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    form: SignupForm | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    values = (form or SignupForm()).model_dump(exclude={"password"})
    return view(
        request,
        "booths/signup.html",
        status_code=status_code,
        expo=expo,
        clusters=await venue.list_clusters(db_session, expo.id),
        classes=[c.value for c in ExhibitorClass],
        form=values,
        errors=errors or FormErrors(),
    )


@get("/e/{slug:str}/signup", include_in_schema=False)
async def signup_page(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    return await _render_signup(request, db_session, slug)


@post("/e/{slug:str}/signup", include_in_schema=False, opt={"rate_limit": "signup"})
async def signup_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[SignupForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    passwords: NamedDependency[Passwords],
    settings: NamedDependency[Settings],
) -> Template | Redirect:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    values: dict[str, Any] = data.model_dump()
    for optional in ("pesantren_name", "cluster"):
        values[optional] = values[optional].strip() or None
    try:
        signup = ExhibitorSignup.model_validate(values)
    except ValidationError as exc:
        errors = validation_errors(exc, SIGNUP_FIELDS, frozenset({"exhibitor_class", "cluster"}))
        return await _render_signup(request, db_session, slug, form=data, errors=errors, status_code=422)
    try:
        _exhibitor, user = await exhibitors.sign_up(db_session, passwords, expo.id, signup)
    except DomainError as exc:
        await db_session.rollback()
        errors = domain_errors(exc, SIGNUP_FIELDS)
        return await _render_signup(request, db_session, slug, form=data, errors=errors, status_code=exc.status)
    token = await start_session(db_session, user, settings.session_days)
    await db_session.commit()
    return Redirect(path=f"/e/{slug}/booths", status_code=303, cookies=[session_cookie(token, settings)])


# --- booth picker --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoothShape:
    """One booth as the SVG draws it (metres)."""

    id: int
    code: str
    status: str
    x: float
    y: float
    w: float
    d: float
    stripe: float
    font: float
    colour: str | None
    title: str
    mine: bool

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def text_y(self) -> float:
        return self.y + self.stripe + (self.d - self.stripe) / 2


def _shape(booth: BoothRead, cluster: ClusterRead | None, mine: bool) -> BoothShape:
    stripe = min(0.6, booth.depth_m * 0.2) if cluster else 0.0
    font = min(0.9, booth.width_m * 0.85 / (max(len(booth.code), 3) * 0.62), (booth.depth_m - stripe) * 0.42)
    title = " · ".join(
        part for part in (booth.code, status_label(booth.status), cluster.name if cluster else "") if part
    )
    return BoothShape(
        id=booth.id,
        code=booth.code,
        status=booth.status,
        x=booth.x_m,
        y=booth.y_m,
        w=booth.width_m,
        d=booth.depth_m,
        stripe=stripe,
        font=round(font, 2),
        colour=cluster.color if cluster else None,
        title=title,
        mine=mine,
    )


def _details(
    booth: BoothRead,
    *,
    hall_name: str,
    package: BoothPackage | None,
    cluster: ClusterRead | None,
    slug: str,
    mine: bool,
) -> dict[str, Any]:
    """What the details panel shows for one booth, formatted for the reader's language."""
    yes, no = gettext("Yes"), gettext("No")
    return {
        "id": booth.id,
        "code": booth.code,
        "status": booth.status,
        "status_label": status_label(booth.status),
        "hall": hall_name,
        "type": booth_type_label(booth.booth_type),
        "size": f"{number(booth.width_m)} × {number(booth.depth_m)} m",
        "cluster": cluster.name if cluster else "–",
        "package": package.name if package else booth.package_code,
        "description": package.description if package else "",
        "shell": (yes if package.shell else no) if package else "",
        "tables": str(package.tables) if package else "",
        "chairs": str(package.chairs) if package else "",
        "power": f"{package.power_amps} A" if package else "",
        "staff": str(package.staff_quota) if package else "",
        "price": format_rupiah(booth.price) if booth.price else gettext("Free"),
        "hold_url": f"/e/{slug}/booths/{booth.id}/hold",
        "mine": mine,
    }


async def _render_picker(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    hall_code: str = "",
    selected_id: int | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    user = current_user(request)
    exhibitor = None
    if user is not None and user.role is Role.EXHIBITOR:
        exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id, expo.id)
    booths = await venue.list_booths(
        db_session, expo.id, exhibitor_class=exhibitor.exhibitor_class if exhibitor else None
    )
    halls = await venue.list_halls(db_session, expo.id)
    packages = {p.id: p for p in await venue.list_packages(db_session, expo.id)}
    clusters = {c.code: c for c in await venue.list_clusters(db_session, expo.id)}
    mine: set[int] = set()
    if exhibitor is not None and exhibitor.id is not None:
        own = await bookings.list_bookings(db_session, expo.id, exhibitor_id=exhibitor.id)
        mine = {b.booth_id for b in own if b.status in (BookingStatus.HELD, BookingStatus.CONFIRMED)}

    hall_names = {h.id: h.name for h in halls}
    details: dict[int, dict[str, Any]] = {}
    shapes: dict[int, list[BoothShape]] = {h.id or 0: [] for h in halls}
    for booth in booths:
        cluster = clusters.get(booth.cluster or "")
        shapes.setdefault(booth.hall_id, []).append(_shape(booth, cluster, booth.id in mine))
        details[booth.id] = _details(
            booth,
            hall_name=hall_names.get(booth.hall_id, booth.hall_code),
            package=packages.get(booth.package_id),
            cluster=cluster,
            slug=slug,
            mine=booth.id in mine,
        )
    selected = details.get(selected_id) if selected_id is not None else None
    codes = [h.code for h in halls]
    if selected is not None:
        hall_code = next(b.hall_code for b in booths if b.id == selected["id"])
    if hall_code.upper() not in codes:
        hall_code = codes[0] if codes else ""
    used_clusters = sorted({b.cluster for b in booths if b.cluster in clusters}, key=lambda c: clusters[c].name)
    counts = {s: sum(1 for b in booths if b.status == s) for s in ("available", "held", "confirmed", "blocked")}
    return view(
        request,
        "booths/picker.html",
        status_code=status_code,
        expo=expo,
        halls=[{"hall": h, "booths": shapes.get(h.id or 0, [])} for h in halls],
        active_hall=hall_code.upper(),
        details=details,
        selected=selected,
        clusters=[clusters[c] for c in used_clusters],
        counts=counts,
        exhibitor=exhibitor,
        can_hold=exhibitor is not None,
        has_mine=bool(mine),
        error=error,
    )


@get("/e/{slug:str}/booths", include_in_schema=False)
async def booth_picker(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    hall: FromQuery[Annotated[str, Parameter(max_length=8)]] = "",
    booth: FromQuery[int | None] = None,
) -> Template:
    return await _render_picker(request, db_session, slug, hall_code=hall, selected_id=booth)


@post("/e/{slug:str}/booths/{booth_id:int}/hold", include_in_schema=False, guards=[requires_exhibitor])
async def hold_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booth_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    try:
        held = await bookings.hold_for_user(db_session, user, booth_id, expo.id)
    except DomainError as exc:
        await db_session.rollback()
        message = translate(exc.message, exc.params)
        return await _render_picker(
            request, db_session, slug, selected_id=booth_id, error=message, status_code=exc.status
        )
    await db_session.commit()
    return redirect("/my-booking?msg=" + held.outcome)


# --- my booking ----------------------------------------------------------------------------------
def countdown(booking: BookingRead) -> dict[str, Any] | None:
    """The live countdown of a held booking: ISO expiry for the script, remaining time for no-script."""
    if booking.status != BookingStatus.HELD or booking.hold_expires_at is None:
        return None
    expires = as_utc(booking.hold_expires_at)
    left = max(0, int((expires - utcnow()).total_seconds()))
    hours, rest = divmod(left, 3600)
    text = f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"
    return {"expires_iso": expires.isoformat(), "text": text, "seconds": left, "expires_at": expires}


async def _render_my_booking(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id)
    expo: Expo | None = None
    active: list[dict[str, Any]] = []
    past: list[BookingRead] = []
    if exhibitor is not None and exhibitor.id is not None:
        expo = await venue.get_expo(db_session, exhibitor.expo_id)
        for booking in await bookings.list_bookings(db_session, exhibitor.expo_id, exhibitor_id=exhibitor.id):
            if booking.status in (BookingStatus.HELD, BookingStatus.CONFIRMED):
                active.append({"booking": booking, "countdown": countdown(booking)})
            else:
                past.append(booking)
    return view(
        request,
        "booths/my_booking.html",
        status_code=status_code,
        exhibitor=exhibitor,
        expo=expo,
        active=active,
        past=past,
        notice=notice,
        error=error,
    )


@get("/my-booking", include_in_schema=False, guards=[requires_exhibitor])
async def my_booking(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render_my_booking(request, db_session, user, notice=notice_text(msg))


@post("/my-booking/{booking_id:int}/cancel", include_in_schema=False, guards=[requires_exhibitor])
async def my_booking_cancel(
    request: Request[Any, Any, Any],
    *,
    booking_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    try:
        await bookings.cancel_booking(db_session, booking_id, user)
    except DomainError as exc:
        await db_session.rollback()
        return await _render_my_booking(
            request, db_session, user, error=translate(exc.message, exc.params), status_code=exc.status
        )
    await db_session.commit()
    return redirect("/my-booking?msg=cancelled")


PAGE_HANDLERS = [
    home,
    expo_home,
    signup_page,
    signup_submit,
    booth_picker,
    hold_submit,
    my_booking,
    my_booking_cancel,
]
