"""The committee's pages of packages, exhibitor classes and prices, and of the expo's booking rules."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors.models import ExhibitorClass
from booths.fields import typed_rupiah
from booths.pricing import service as pricing
from booths.pricing.schemas import BookingRules, ClassesUpdate, PriceMatrix
from booths.venue import service as venue
from booths.venue.models import BoothPackage, Expo
from booths.venue.schemas import PackageCreate, PackageUpdate
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.permissions import Area
from expo.web import page

_CLASSES = tuple(ExhibitorClass)


def _notice(msg: str) -> str | None:
    return {
        "package_added": gettext("The package is added."),
        "package_saved": gettext("The package is saved."),
        "prices_saved": gettext("The prices are saved. The table below shows what each class pays now."),
        "classes_saved": gettext("The exhibitor classes are saved."),
        "rules_saved": gettext("The booking rules are saved."),
    }.get(msg)


async def _expo(db_session: AsyncSession, slug: str) -> tuple[Expo, int]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return expo, expo.id


# --- the packages and prices page ----------------------------------------------------------------
def _matrix_values(packages: list[BoothPackage]) -> dict[str, str]:
    values: dict[str, str] = {}
    for p in packages:
        values[f"packages.{p.id}.price"] = str(p.price)
        for code in _CLASSES:
            own = p.class_prices.get(str(code))
            values[f"packages.{p.id}.class_prices.{code}"] = "" if own is None else str(own)
    return values


async def _render_prices(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    expo, expo_id = await _expo(db_session, slug)
    packages = await venue.list_packages(db_session, expo_id)
    classes = await pricing.class_settings(db_session, expo_id)
    matrix = _matrix_values(packages)
    class_form = {f"classes.{c.code}.name": c.name for c in classes}
    class_form |= {f"classes.{c.code}.needs_approval": "on" if c.needs_approval else "" for c in classes}
    return page(
        request,
        "admin/packages.html",
        status_code=status_code,
        expo=expo,
        packages=packages,
        classes=classes,
        table=await pricing.price_table(db_session, expo_id),
        form=(matrix | class_form) | (form or {}),
        errors=errors or FormErrors(),
        notice=notice,
    )


@get("/admin/e/{slug:str}/packages", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_packages(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render_prices(request, db_session, slug, notice=_notice(msg))


async def _posted(request: Request[Any, Any, Any], prefix: str) -> dict[str, str]:
    """The fields of a form whose names are built from rows (``packages.3.price``), as text."""
    form = await request.form()
    return {k: str(v)[:200] for k, v in form.items() if k.startswith(prefix) and isinstance(v, str)}


@post("/admin/e/{slug:str}/prices", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_save_prices(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    posted = await _posted(request, "packages.")

    async def save() -> None:
        _, expo_id = await _expo(db_session, slug)
        rows: dict[str, dict[str, Any]] = {}
        for name, value in posted.items():
            parts = name.split(".")
            if len(parts) == 3 and parts[2] == "price":
                rows.setdefault(parts[1], {"class_prices": {}})["price"] = typed_rupiah(value)
            elif len(parts) == 4 and parts[2] == "class_prices":
                price = typed_rupiah(value)
                rows.setdefault(parts[1], {"class_prices": {}})["class_prices"][parts[3]] = price or None
        await pricing.save_prices(db_session, expo_id, PriceMatrix.model_validate({"packages": rows}), user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_prices(request, db_session, slug, errors=errors, form=posted, status_code=status)

    return await submit(
        db_session, save, rerender=again, done=f"/admin/e/{slug}/packages?msg=prices_saved", fields=set(posted)
    )


@post("/admin/e/{slug:str}/classes", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_save_classes(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    posted = await _posted(request, "classes.")

    async def save() -> None:
        _, expo_id = await _expo(db_session, slug)
        classes = {
            str(code): {
                "name": posted.get(f"classes.{code}.name", ""),
                "needs_approval": bool(posted.get(f"classes.{code}.needs_approval")),
            }
            for code in _CLASSES
        }
        await pricing.save_classes(db_session, expo_id, ClassesUpdate.model_validate({"classes": classes}), user)

    async def again(errors: FormErrors, status: int) -> Template:
        kept = posted | {f"classes.{c}.needs_approval": posted.get(f"classes.{c}.needs_approval", "") for c in _CLASSES}
        return await _render_prices(request, db_session, slug, errors=errors, form=kept, status_code=status)

    names = {f"classes.{c}.name" for c in _CLASSES}
    return await submit(
        db_session, save, rerender=again, done=f"/admin/e/{slug}/packages?msg=classes_saved", fields=names
    )


# --- one package ---------------------------------------------------------------------------------
class PackageForm(BaseModel):
    code: str = ""
    name: str = ""
    description: str = ""
    tables: str = ""
    chairs: str = ""
    power_watts: str = ""
    staff_quota: str = ""
    price: str = ""
    shell: str = ""
    fascia: str = ""

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "tables": self.tables.strip() or "0",
            "chairs": self.chairs.strip() or "0",
            "power_watts": self.power_watts.strip() or "0",
            "staff_quota": self.staff_quota.strip() or "0",
            "price": typed_rupiah(self.price) or "0",
            "shell": bool(self.shell),
            "fascia": bool(self.fascia),
        }
        return out


def _package_form(package: BoothPackage) -> PackageForm:
    return PackageForm(
        code=package.code,
        name=package.name,
        description=package.description,
        tables=str(package.tables),
        chairs=str(package.chairs),
        power_watts=str(package.power_watts),
        staff_quota=str(package.staff_quota),
        price=str(package.price),
        shell="on" if package.shell else "",
        fascia="on" if package.fascia else "",
    )


async def _render_package(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    form: PackageForm,
    *,
    package: BoothPackage | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo, _ = await _expo(db_session, slug)
    return page(
        request,
        "admin/package_form.html",
        status_code=status_code,
        expo=expo,
        package=package,
        form=form,
        errors=errors or FormErrors(),
    )


@get("/admin/e/{slug:str}/packages/new", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_new_package(
    request: Request[Any, Any, Any], *, slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    blank = PackageForm(  # noqa: S604  (a booth's shell walls, not a subprocess shell)
        tables="1", chairs="2", power_watts="900", staff_quota="2", price="0", shell="on", fascia="on"
    )
    return await _render_package(request, db_session, slug, blank)


@post("/admin/e/{slug:str}/packages/new", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_add_package(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[PackageForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def add() -> None:
        _, expo_id = await _expo(db_session, slug)
        create = PackageCreate.model_validate(data.values() | {"code": data.code.strip().lower()})
        await pricing.add_package(db_session, expo_id, create, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_package(request, db_session, slug, data, errors=errors, status_code=status)

    return await submit(
        db_session,
        add,
        rerender=again,
        done=f"/admin/e/{slug}/packages?msg=package_added",
        fields=PackageForm.model_fields,
        aliases={"package_code_taken": "code"},
    )


@get("/admin/e/{slug:str}/packages/{package_id:int}", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_package(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    package_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
) -> Template:
    _, expo_id = await _expo(db_session, slug)
    package = await venue.get_package(db_session, package_id, expo_id)
    return await _render_package(request, db_session, slug, _package_form(package), package=package)


@post("/admin/e/{slug:str}/packages/{package_id:int}", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_edit_package(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    package_id: FromPath[int],
    data: Annotated[PackageForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def edit() -> None:
        _, expo_id = await _expo(db_session, slug)
        update = PackageUpdate.model_validate(data.values())
        await pricing.edit_package(db_session, expo_id, package_id, update, user)

    async def again(errors: FormErrors, status: int) -> Template:
        _, expo_id = await _expo(db_session, slug)
        package = await venue.get_package(db_session, package_id, expo_id)
        form = data.model_copy(update={"code": package.code})
        return await _render_package(
            request, db_session, slug, form, package=package, errors=errors, status_code=status
        )

    return await submit(
        db_session,
        edit,
        rerender=again,
        done=f"/admin/e/{slug}/packages?msg=package_saved",
        fields=PackageForm.model_fields,
    )


# --- booking rules -------------------------------------------------------------------------------
class RulesForm(BaseModel):
    booth_limit: str = ""
    hold_minutes: str = ""
    booking_opens_at: str = ""
    booking_closes_at: str = ""


def _rules_form(expo: Expo) -> RulesForm:
    def shown(value: Any) -> str:
        local = pricing.local_time(expo, value)
        return local.strftime("%Y-%m-%dT%H:%M") if local else ""

    return RulesForm(
        booth_limit=str(expo.booth_limit),
        hold_minutes=str(expo.hold_minutes),
        booking_opens_at=shown(expo.booking_opens_at),
        booking_closes_at=shown(expo.booking_closes_at),
    )


async def _render_rules(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    form: RulesForm | None = None,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo, _ = await _expo(db_session, slug)
    return page(
        request,
        "admin/booking_rules.html",
        status_code=status_code,
        expo=expo,
        form=form or _rules_form(expo),
        errors=errors or FormErrors(),
        notice=notice,
    )


@get("/admin/e/{slug:str}/rules", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_rules(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render_rules(request, db_session, slug, notice=_notice(msg))


@post("/admin/e/{slug:str}/rules", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_save_rules(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[RulesForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def save() -> None:
        _, expo_id = await _expo(db_session, slug)
        rules = BookingRules.model_validate(
            {
                "booth_limit": data.booth_limit.strip() or "0",
                "hold_minutes": data.hold_minutes.strip() or "0",
                "booking_opens_at": data.booking_opens_at.strip() or None,
                "booking_closes_at": data.booking_closes_at.strip() or None,
            }
        )
        await pricing.save_rules(db_session, expo_id, rules, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_rules(request, db_session, slug, data, errors=errors, status_code=status)

    return await submit(
        db_session, save, rerender=again, done=f"/admin/e/{slug}/rules?msg=rules_saved", fields=RulesForm.model_fields
    )


PAGE_HANDLERS = [
    admin_packages,
    admin_save_prices,
    admin_save_classes,
    admin_new_package,
    admin_add_package,
    admin_package,
    admin_edit_package,
    admin_rules,
    admin_save_rules,
]
