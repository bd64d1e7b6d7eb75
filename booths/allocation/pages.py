"""The organisers' allocation page: settings, dry run, the proposed plan on the map with every
explanation and the fairness figures, locks, re-run and commit."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from booths.allocation import service as allocation_runs
from booths.allocation.views import run_read
from booths.applications import service as applications
from booths.applications import waitlist
from booths.applications.schemas import AllocationSettingsIn, DryRunIn, RunRead, WeightsIn
from booths.exhibitors.models import ExhibitorClass
from booths.venue import service as venue
from booths.venue.models import Expo
from booths.venue.schemas import BoothRead, ClusterRead
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import FieldProblem, InvalidInput
from expo.formatting import as_utc
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.permissions import Area
from expo.web import page

SETTINGS_FIELDS = {
    "opens_at",
    "closes_at",
    "offer_hours",
    "payment_days",
    "fairness_max_gap",
    "max_per_stand",
    "time_limit_s",
    "zone_rules",
    "quotas",
    "weights",
}
WEIGHT_NAMES = list(WeightsIn.model_fields)
CLASSES = [c.value for c in ExhibitorClass]


def notice(code: str) -> str | None:
    notices = {
        "ran": gettext("The dry run is done; no booking has changed."),
        "committed": gettext("The allocation is committed: bookings are made and the waiting list is set."),
        "settings": gettext("The allocation settings are saved."),
    }
    return notices.get(code)


# --- the plan on the map -------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanBooth:
    code: str
    x: float
    y: float
    w: float
    d: float
    state: str  # proposed, pinned, booked, blocked, free
    colour: str
    label: str
    title: str

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def font(self) -> float:
        return round(min(0.8, self.w / 5, self.d / 3.2), 2)

    @property
    def label_font(self) -> float:
        """Small enough for the name to fit the booth's width."""
        return round(min(self.font * 0.7, self.w * 0.9 / (max(len(self.label), 4) * 0.55)), 2)


def _short(name: str, limit: int = 16) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def plan(
    booths: list[BoothRead],
    run: RunRead | None,
    clusters: dict[str, ClusterRead],
    cluster_of: dict[int, str | None],
) -> dict[str, list[PlanBooth]]:
    """Booths per hall code as the plan draws them."""
    stands = {s.booth_id: s for s in run.stands} if run else {}
    out: dict[str, list[PlanBooth]] = {}
    for b in booths:
        stand = stands.get(b.id)
        colour = "#cfd8dc"
        if stand is not None:
            state = "pinned" if stand.pinned else "proposed"
            cluster = clusters.get(cluster_of.get(stand.application_ids[0]) or "")
            colour = cluster.color if cluster else "#607d8b"
            names = stand.exhibitor_names
            label = _short(names[0]) + (f" +{len(names) - 1}" if len(names) > 1 else "")
            title = f"{b.code}: " + ", ".join(names)
        elif b.status in ("held", "confirmed"):
            state, label = "booked", _short(b.exhibitor_name or "")
            title = f"{b.code}: {b.exhibitor_name or gettext('Booked')}"
        elif b.status == "blocked":
            state, label, title = "blocked", "", f"{b.code}: {gettext('Blocked')}"
        else:
            state, label, title = "free", "", f"{b.code}: {gettext('Free')}"
        out.setdefault(b.hall_code, []).append(
            PlanBooth(b.code, b.x_m, b.y_m, b.width_m, b.depth_m, state, colour, label, title)
        )
    return out


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    run_id: int | None = None,
    message: str | None = None,
    error: str | None = None,
    settings_form: dict[str, Any] | None = None,
    settings_errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    setting = await applications.get_settings(db_session, expo.id)
    runs = await allocation_runs.list_runs(db_session, expo.id)
    chosen = next((r for r in runs if r.id == run_id), runs[0] if runs else None)
    run = await run_read(db_session, chosen) if chosen else None
    everyone = await applications.list_applications(db_session, expo.id)
    clusters = {c.code: c for c in await venue.list_clusters(db_session, expo.id)}
    booths = await venue.list_booths(db_session, expo.id, organiser=True)
    halls = await venue.list_halls(db_session, expo.id)
    packages = await venue.list_packages(db_session, expo.id)
    by_hall = plan(booths, run, clusters, {a.id: a.cluster for a in everyone})
    shown_form = settings_form or _settings_form(setting_read=applications.settings_read(setting), tz=expo.timezone)
    return page(
        request,
        "applications/allocation.html",
        status_code=status_code,
        expo=expo,
        settings=applications.settings_read(setting),
        settings_form=shown_form,
        zone_rows=_zone_rows(shown_form),
        packages=packages,
        settings_errors=settings_errors or FormErrors(),
        weight_names=WEIGHT_NAMES,
        classes=CLASSES,
        runs=runs,
        run=run,
        halls=[{"hall": h, "booths": by_hall.get(h.code, [])} for h in halls],
        clusters=list(clusters.values()),
        accepted=sum(1 for a in everyone if a.status == "accepted"),
        offers=await waitlist.list_offers(db_session, expo.id),
        notice=message,
        error=error,
    )


@get("/admin/e/{slug:str}/allocation", include_in_schema=False, guards=[requires(Area.SETUP)])
async def allocation_page(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    run: FromQuery[int | None] = None,
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    await waitlist.refresh(db_session, expo.id)
    await db_session.commit()
    return await _render(request, db_session, slug, run_id=run, message=notice(msg))


# --- run and commit ------------------------------------------------------------------------------
class RunForm(BaseModel):
    seed: str = ""
    time_limit_s: str = ""
    pin: list[str] = []

    @field_validator("pin", mode="before")
    @classmethod
    def _many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


@post("/admin/e/{slug:str}/allocation/run", include_in_schema=False, guards=[requires(Area.SETUP)])
async def allocation_run(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[RunForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def run() -> int | None:
        pins = {p.partition(":")[0]: p.partition(":")[2] for p in data.pin if ":" in p}
        checked = DryRunIn.model_validate(
            {"seed": data.seed.strip() or None, "time_limit_s": data.time_limit_s.strip() or None, "pins": pins}
        )
        return (await allocation_runs.dry_run(db_session, expo_id, checked, user)).id

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, slug, error=errors.text(), status_code=status)

    return await submit(
        db_session, run, rerender=again, done=lambda run_id: f"/admin/e/{slug}/allocation?run={run_id}&msg=ran"
    )


@post("/admin/e/{slug:str}/allocation/runs/{run_id:int}/commit", include_in_schema=False, guards=[requires(Area.SETUP)])
async def allocation_commit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    run_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def commit() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        await allocation_runs.get_run(db_session, run_id, expo.id)
        await allocation_runs.commit_run(db_session, run_id, user)

    async def again(errors: FormErrors, status: int) -> Template:
        message = errors.text()
        if errors.code == "allocation_stale":  # its field problems are the changes since the run
            message = gettext("Nothing was committed: the plan is out of date. Run it again.")
            message += " " + "; ".join(errors.general)
        return await _render(request, db_session, slug, run_id=run_id, error=message, status_code=status)

    return await submit(
        db_session, commit, rerender=again, done=f"/admin/e/{slug}/allocation?run={run_id}&msg=committed"
    )


# --- settings ----------------------------------------------------------------------------------------
def _local(value: datetime | None, tz: str) -> str:
    return as_utc(value).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M") if value else ""


def _settings_form(setting_read: Any, tz: str) -> dict[str, Any]:
    data = setting_read.model_dump()
    form: dict[str, Any] = {
        "applications_only": "1" if data["applications_only"] else "",
        "opens_at": _local(data["opens_at"], tz),
        "closes_at": _local(data["closes_at"], tz),
    }
    for i, rule in enumerate(data["zone_rules"]):
        form[f"zr{i}_zone"] = rule["zone"]
        for code in rule.get("clusters") or []:
            form[f"zr{i}_cl_{code}"] = "1"
        for cls in rule.get("classes") or []:
            form[f"zr{i}_cs_{cls}"] = "1"
    for key in ("offer_hours", "payment_days", "fairness_by", "fairness_max_gap", "max_per_stand", "time_limit_s"):
        form[key] = str(data[key])
    for name in WEIGHT_NAMES:
        form[f"w_{name}"] = str(data["weights"][name])
    for quota in data["quotas"]:
        form[f"reserved_{quota['exhibitor_class']}"] = str(quota["reserved"] or "")
        form[f"cap_{quota['exhibitor_class']}"] = "" if quota["cap"] is None else str(quota["cap"])
    return form


MAX_ZONE_RULES = 50


def _zone_rows(form: dict[str, Any]) -> int:
    """How many rule rows the settings form shows: the rules there are, and two empty ones."""
    used = [int(m.group(1)) for k in form if (m := _ZONE_KEY.match(k))]
    return min(MAX_ZONE_RULES, (max(used) + 1 if used else 0) + 2)


_ZONE_KEY = re.compile(r"^zr(\d{1,2})_zone$")


def _parse_rules(form: dict[str, str]) -> list[dict[str, Any]]:
    """The rule rows of the settings form: an area (a product cluster's code, ``hall:<code>`` or
    ``package:<code>``, picked from a list) and the clusters and classes ticked for it."""
    rules = []
    for i in range(MAX_ZONE_RULES):
        zone = form.get(f"zr{i}_zone", "").strip()
        if not zone:
            continue
        clusters = [k.removeprefix(f"zr{i}_cl_") for k, v in form.items() if k.startswith(f"zr{i}_cl_") and v]
        classes = [k.removeprefix(f"zr{i}_cs_") for k, v in form.items() if k.startswith(f"zr{i}_cs_") and v]
        if not clusters and not classes:
            raise InvalidInput(
                fields=[
                    FieldProblem("zone_rules", "Rule %(n)s: tick the products or classes the area takes.", {"n": i + 1})
                ]
            )
        rules.append({"zone": zone, "clusters": clusters or None, "classes": classes or None})
    return rules


def _parse_local(value: str, tz: str) -> str | None:
    if not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=ZoneInfo(tz)).isoformat()
    except ValueError:
        return value  # left for the schema to refuse with a proper message


@post("/admin/e/{slug:str}/allocation/settings", include_in_schema=False, guards=[requires(Area.SETUP)])
async def allocation_settings(
    request: Request[Any, Any, Any], *, slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Response[Any]:
    expo: Expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id, tz = expo.id, expo.timezone
    form = {k: str(v)[:2000] for k, v in (await request.form()).items() if k != "_csrf_token"}

    async def save() -> None:
        quotas = []
        for cls in CLASSES:
            reserved, cap = form.get(f"reserved_{cls}", "").strip(), form.get(f"cap_{cls}", "").strip()
            if reserved or cap:
                quotas.append({"exhibitor_class": cls, "reserved": reserved or 0, "cap": cap or None})
        checked = AllocationSettingsIn.model_validate(
            {
                "applications_only": bool(form.get("applications_only")),
                "opens_at": _parse_local(form.get("opens_at", ""), tz),
                "closes_at": _parse_local(form.get("closes_at", ""), tz),
                **{
                    k: form[k]
                    for k in ("offer_hours", "payment_days", "fairness_max_gap", "max_per_stand", "time_limit_s")
                    if form.get(k, "").strip()
                },
                "fairness_by": form.get("fairness_by") or "class",
                "weights": {name: form.get(f"w_{name}") or 0 for name in WEIGHT_NAMES},
                "quotas": quotas,
                "zone_rules": _parse_rules(form),
            }
        )
        await applications.update_settings(db_session, expo_id, checked)

    async def again(errors: FormErrors, _status: int) -> Template:
        # Always 422: whatever was refused, it was something typed into these settings.
        return await _render(request, db_session, slug, settings_form=form, settings_errors=errors, status_code=422)

    return await submit(
        db_session, save, rerender=again, done=f"/admin/e/{slug}/allocation?msg=settings", fields=SETTINGS_FIELDS
    )


PAGE_HANDLERS = [allocation_page, allocation_run, allocation_commit, allocation_settings]
