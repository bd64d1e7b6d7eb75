"""The organisers' gate setup page: gates with their paired phones, create a gate, pair a phone with a
one-time code shown as a QR code of the pairing URL, and revoke a lost phone."""

from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from qrcode import constants
from qrcode.main import QRCode
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue.models import Expo
from booths.venue.service import get_expo_by_slug, list_halls
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import NotFound
from expo.formatting import as_utc, format_datetime, utcnow
from expo.forms import FormErrors, Rerender, submit
from expo.i18n import N_, gettext
from expo.permissions import Area
from expo.public_url import public_base_url
from expo.web import page
from tickets.gate import devices
from tickets.gate import staff as gate_staff
from tickets.gate.devices import device_status
from tickets.gate.models import Gate, GateDevice, GateDirections
from tickets.gate.schemas import GateCreate
from tickets.passes.kinds import ensure_kinds

Id = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
GATE_FIELDS = {"name", "hall_id", "directions", "kind_codes", "opens_at", "closes_at"}
_QR_BORDER = 4  # modules of white around the symbol


def pairing_card(
    request: Request[Any, Any, Any], gate: Gate, device: GateDevice, code: str, timezone: str
) -> dict[str, Any]:
    """What the set-up and gate-staff pages show to pair a phone: the code, and a QR of the pairing
    link at the public address (a phone scans it, so never a loopback address when one is set)."""
    assert device.pairing_expires_at is not None
    path = f"/gate?pair={code}"
    url = f"{public_base_url(request)}{path}"
    return {
        "gate": gate.name,
        "device": device.name,
        "code": code,
        "url": url,
        "path": path,
        "qr": url_qr(url),
        "expires": format_datetime(as_utc(device.pairing_expires_at), timezone),
    }


def url_qr(text: str) -> dict[str, str]:
    """An inline-SVG QR code of any text (the pass QR builder holds upper-case alphanumerics only,
    a URL needs byte mode): its ``viewBox`` and one path of the dark modules, a rectangle per run."""
    code = QRCode(error_correction=constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    rows = code.get_matrix()
    parts = []
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                parts.append(f"M{start} {r}h{c - start}v1h-{c - start}z")
            else:
                c += 1
    size = len(rows) + 2 * _QR_BORDER
    return {"viewbox": f"-{_QR_BORDER} -{_QR_BORDER} {size} {size}", "path": "".join(parts)}


def _notice(code: str) -> str | None:
    return {
        "created": gettext("The gate is created."),
        "revoked": gettext("The phone is revoked."),
        "staff": gettext("The gate staff is assigned."),
        "unstaffed": gettext("The gate staff is removed from the gate."),
    }.get(code)


LABELS = {  # shown for the stored codes; translated in the template
    "both": N_("Entry and exit"),
    "entry": N_("Entry only"),
    "exit": N_("Exit only"),
    "revoked": N_("revoked"),
    "paired": N_("paired"),
    "waiting": N_("waiting for the phone"),
    "expired": N_("code expired"),
}


def _setup_url(slug: str, msg: str = "") -> str:
    return f"/admin/e/{slug}/gates/setup" + (f"?msg={msg}" if msg else "")


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    form: dict[str, Any] | None = None,
    pairing: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    expo = await get_expo_by_slug(db_session, slug)  # loaded here: after a rollback older objects are stale
    assert expo.id is not None
    kinds = await ensure_kinds(db_session, expo.id)
    await db_session.commit()
    halls = await list_halls(db_session, expo.id)
    gates = await devices.list_gates(db_session, expo.id)
    staff = await gate_staff.staff_of(db_session, expo.id)
    now = utcnow()
    rows = []
    for gate in gates:
        assert gate.id is not None
        listed = [(d, device_status(d, now)) for d in await devices.list_devices(db_session, gate.id)]
        # A code that was never used (expired, or revoked before pairing) is noise here.
        phones = [{"device": d, "status": st} for d, st in listed if d.paired_at is not None or st == "waiting"]
        rows.append({"gate": gate, "devices": phones, "staff": staff.get(gate.id, [])})

    def when(value: datetime | None) -> str:
        return format_datetime(as_utc(value), expo.timezone) if value else "–"

    return page(
        request,
        "gate/admin_gates.html",
        status_code=status_code,
        expo=expo,
        gates=rows,
        halls={h.id: h for h in halls},
        kinds={k.code: k for k in kinds},
        directions=[d.value for d in GateDirections],
        labels=LABELS,
        when=when,
        notice=notice,
        errors=errors or FormErrors(),
        form=form or {},
        pairing=pairing,
    )


@get("/admin/e/{slug:str}/gates/setup", include_in_schema=False, guards=[requires(Area.GATES)])
async def gate_setup(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render(request, db_session, slug, notice=_notice(msg))


def form_text(raw: Any, name: str, limit: int = 100) -> str:
    """A one-line text field of a gate form, cut to ``limit``, without control characters."""
    return "".join(ch for ch in str(raw.get(name, ""))[:limit] if ch.isprintable()).strip()


@post("/admin/e/{slug:str}/gates/setup/create", include_in_schema=False, status_code=200, guards=[requires(Area.GATES)])
async def gate_create(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Response[Any]:
    expo = await get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    raw = await request.form()
    kind_codes = [str(k)[:24] for k in raw.getall("kind_codes", [])][:50] if hasattr(raw, "getall") else []
    form: dict[str, Any] = {k: form_text(raw, k) for k in GATE_FIELDS - {"kind_codes"}}
    form["kind_codes"] = kind_codes
    data = {k: (v or None) for k, v in form.items() if k != "kind_codes"} | {"kind_codes": kind_codes}
    data["name"] = form["name"]
    data["directions"] = form["directions"] or GateDirections.BOTH.value
    expo_id = expo.id

    async def create() -> None:
        await devices.create_gate(db_session, expo_id, GateCreate.model_validate(data))

    async def again(errors: FormErrors, status: int) -> Template:
        if errors.validation:
            status = 400
            for name in ("opens_at", "closes_at"):  # the validator's words are about Python's time format
                if name in errors.fields:
                    errors.fields[name] = gettext("Enter a time as HH:MM.")
        elif errors.code == "gate_exists":
            errors.general.remove(errors.message)
            errors.fields["name"] = errors.message
        return await _render(request, db_session, slug, errors=errors, form=form, status_code=status)

    return await submit(
        db_session,
        create,
        rerender=again,
        done=_setup_url(slug, "created"),
        fields=GATE_FIELDS,
        choices={"directions"},
    )


async def _expo_gate(db_session: AsyncSession, slug: str, gate_id: int) -> tuple[Expo, Gate]:
    expo = await get_expo_by_slug(db_session, slug)
    gate = await devices.get_gate(db_session, gate_id)
    if gate.expo_id != expo.id:
        raise NotFound("No such gate.", code="gate_not_found")
    return expo, gate


@post(
    "/admin/e/{slug:str}/gates/setup/{gate_id:int}/pair",
    include_in_schema=False,
    status_code=200,
    guards=[requires(Area.GATES)],
)
async def gate_pair(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    gate_id: FromPath[Id],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    raw = await request.form()
    user = request.scope.get("user")
    assert isinstance(user, CurrentUser)

    async def pair() -> dict[str, Any]:
        expo, gate = await _expo_gate(db_session, slug, gate_id)
        count = len(await devices.list_devices(db_session, gate_id))
        name = form_text(raw, "name", 60) or f"{gate.name} {count + 1}"[:60]
        device, code = await devices.create_device(db_session, gate_id, name, user)
        assert device.pairing_expires_at is not None
        return pairing_card(request, gate, device, code, expo.timezone)

    async def paired(pairing: dict[str, Any]) -> Template:
        return await _render(request, db_session, slug, pairing=pairing)

    return await submit(db_session, pair, rerender=_setup_again(request, db_session, slug), done=paired)


@post(
    "/admin/e/{slug:str}/gates/setup/devices/{device_id:int}/revoke",
    include_in_schema=False,
    guards=[requires(Area.GATES)],
)
async def gate_revoke(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    device_id: FromPath[Id],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def revoke() -> None:
        expo = await get_expo_by_slug(db_session, slug)
        device = await db_session.get(GateDevice, device_id)
        if device is None or device.expo_id != expo.id:
            raise NotFound("No such device.", code="device_not_found")
        await devices.revoke_device(db_session, device_id)

    return await submit(
        db_session, revoke, rerender=_setup_again(request, db_session, slug), done=_setup_url(slug, "revoked")
    )


@post(
    "/admin/e/{slug:str}/gates/setup/{gate_id:int}/staff",
    include_in_schema=False,
    status_code=200,
    guards=[requires(Area.GATES)],
)
async def gate_staff_assign(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    gate_id: FromPath[Id],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    """Put a gate-staff account (by its e-mail) on this gate: it then sees the gate's counts and pairs
    its own phones to it."""
    raw = await request.form()

    async def assign() -> None:
        await _expo_gate(db_session, slug, gate_id)
        await gate_staff.assign(db_session, gate_id, form_text(raw, "email", 254))

    return await submit(
        db_session, assign, rerender=_setup_again(request, db_session, slug), done=_setup_url(slug, "staff")
    )


def _setup_again(request: Request[Any, Any, Any], db_session: AsyncSession, slug: str) -> Rerender:
    """Shows the setup page again with why a button was refused."""

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, slug, errors=errors, status_code=status)

    return again


@post(
    "/admin/e/{slug:str}/gates/setup/{gate_id:int}/staff/{user_id:int}/remove",
    include_in_schema=False,
    guards=[requires(Area.GATES)],
)
async def gate_staff_remove(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    gate_id: FromPath[Id],
    user_id: FromPath[Id],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def remove() -> None:
        await _expo_gate(db_session, slug, gate_id)
        await gate_staff.unassign(db_session, gate_id, user_id)

    return await submit(
        db_session, remove, rerender=_setup_again(request, db_session, slug), done=_setup_url(slug, "unstaffed")
    )


PAGE_HANDLERS = [gate_setup, gate_create, gate_pair, gate_revoke, gate_staff_assign, gate_staff_remove]
