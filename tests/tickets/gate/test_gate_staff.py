"""Gate-staff accounts over HTTP on both engines: an organiser puts one on a gate; it logs in to its own
gate's counts, pairs and unpairs its own phone there, and is refused everything else (gates, other
people's phones, the organiser pages, other expos' data)."""

import re
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.auth import SESSION_COOKIE
from expo.models import Role
from tests.support.factories import bearer, make_user_token
from tests.support.gate import gate_over_http, nonce, now_iso, pass_over_http
from tests.support.passes import Client

pytestmark = pytest.mark.anyio


async def _form(client: Client, path: str, data: dict[str, Any], *, from_page: str) -> httpx.Response:
    opened = await client.get(from_page)
    assert opened.status_code == 200, opened.text
    return await client.post(path, data={**data, "_csrf_token": client.cookies.get("csrftoken") or ""})


async def _scan(client: Client, device: dict[str, str], text: str) -> httpx.Response:
    body = {"text": text, "direction": "entry", "client_scan_id": nonce(), "scanned_at": now_iso()}
    return await client.post("/api/gate/scans", json=body, headers=device)


async def _setup(client: Client, session: AsyncSession) -> tuple[int, str, dict[str, str], dict[str, str], str]:
    """An expo with gate ``Utama`` (and an organiser's phone on it), a gate ``Timur``, and a gate-staff
    account the organiser assigns to ``Timur`` on the set-up page: (expo id, slug, organiser headers,
    organiser's device headers, staff token)."""
    expo_id, organiser, device = await gate_over_http(client, session)
    slug = (await client.get(f"/api/expos/{expo_id}")).json()["slug"]
    east = await client.post(f"/api/expos/{expo_id}/gates", json={"name": "Timur"}, headers=organiser)
    assert east.status_code == 201, east.text
    email = f"petugas-{nonce()}@expo.test"
    staff = await make_user_token(session, Role.GATE, email=email)
    setup = f"/admin/e/{slug}/gates/setup"
    client.cookies.set(SESSION_COOKIE, organiser["Authorization"].removeprefix("Bearer "))
    exhibitor_email = f"pameran-{nonce()}@expo.test"
    await make_user_token(session, Role.EXHIBITOR, email=exhibitor_email)
    for wrong in ("nobody@expo.test", exhibitor_email):  # only a gate-staff account can be put on a gate
        refused = await _form(client, f"{setup}/{east.json()['id']}/staff", {"email": wrong}, from_page=setup)
        assert refused.status_code == 422, refused.text
        assert "Tidak ada akun petugas gerbang" in refused.text
    assigned = await _form(client, f"{setup}/{east.json()['id']}/staff", {"email": email}, from_page=setup)
    assert assigned.status_code == 200, assigned.text
    assert email in assigned.text
    client.cookies.clear()
    return expo_id, slug, organiser, device, staff


async def test_gate_staff_sees_its_gate_and_pairs_and_unpairs_its_own_phone(
    client: Client, session: AsyncSession
) -> None:
    expo_id, _slug, organiser, organiser_device, staff = await _setup(client, session)
    me = bearer(staff)
    view = await client.get("/api/gate-staff/gate", headers=me)
    assert view.status_code == 200, view.text
    assert (view.json()["gate"]["name"], view.json()["stats"]["entries_today"]) == ("Timur", 0)

    client.cookies.set(SESSION_COOKIE, staff)  # the page: pair this phone with a one-time code
    page = await client.get("/gate/staff")
    assert page.status_code == 200
    assert "Timur" in page.text
    paired_page = await _form(client, "/gate/staff/pair", {"name": "HP Sari"}, from_page="/gate/staff")
    assert paired_page.status_code == 200, paired_page.text
    code = re.search(r"data-pairing-code>([A-Z0-9]+)<", paired_page.text)
    assert code
    assert f'href="/gate?pair={code.group(1)}"' in paired_page.text
    client.cookies.clear()
    paired = await client.post("/api/gate/pair", json={"pairing_code": code.group(1)})
    assert paired.status_code == 201, paired.text
    assert paired.json()["gate_name"] == "Timur"
    phone = {"Authorization": f"Device {paired.json()['token']}"}

    mine, theirs = (
        await pass_over_http(client, expo_id, organiser, "Sari"),
        await pass_over_http(client, expo_id, organiser),
    )
    assert (await _scan(client, phone, mine)).json()["reason"] == "ok"
    assert (await _scan(client, organiser_device, theirs)).json()["reason"] == "ok"  # another gate
    stats = (await client.get("/api/gate-staff/gate", headers=me)).json()["stats"]
    assert (stats["entries_today"], stats["inside_now"], list(stats["per_gate"])) == (1, 2, ["Timur"])

    listed = (await client.get("/api/gate-staff/devices", headers=me)).json()
    assert [(d["name"], d["paired"], d["revoked"]) for d in listed] == [("HP Sari", True, False)]
    client.cookies.set(SESSION_COOKIE, staff)
    unpaired = await _form(client, f"/gate/staff/devices/{listed[0]['id']}/unpair", {}, from_page="/gate/staff")
    assert unpaired.status_code == 200, unpaired.text  # followed the redirect back to the page
    assert "HP Sari" not in unpaired.text
    client.cookies.clear()
    refused = await _scan(client, phone, mine)
    assert (refused.status_code, refused.json()["code"]) == (403, "device_revoked")

    by_api = await client.post("/api/gate-staff/devices", json={"name": "HP Dua"}, headers=me)
    assert by_api.status_code == 201, by_api.text
    assert by_api.json()["pair_url"].startswith("/gate?pair=")
    again = await client.post(f"/api/gate-staff/devices/{by_api.json()['device']['id']}/revoke", headers=me)
    assert (again.status_code, again.json()["revoked"]) == (200, True)


async def test_gate_staff_may_not_manage_gates_other_phones_or_other_expos(
    client: Client, session: AsyncSession
) -> None:
    expo_id, slug, organiser, _device, staff = await _setup(client, session)
    other_id, other_organiser, _ = await gate_over_http(client, session)  # another expo, with a scan
    await pass_over_http(client, other_id, other_organiser)
    me = bearer(staff)
    gates = (await client.get(f"/api/expos/{expo_id}/gates", headers=organiser)).json()
    utama = next(g for g in gates if g["name"] == "Utama")
    devices = (await client.get(f"/api/gates/{utama['id']}/devices", headers=organiser)).json()
    refusals = [
        await client.post(f"/api/expos/{expo_id}/gates", json={"name": "Baru"}, headers=me),
        await client.get(f"/api/expos/{expo_id}/gates", headers=me),
        await client.post(f"/api/gates/{utama['id']}/devices", json={"name": "HP"}, headers=me),
        await client.post(f"/api/gate-devices/{devices[0]['id']}/revoke", headers=me),
        await client.get(f"/api/expos/{expo_id}/scans", headers=me),
        await client.get(f"/api/expos/{expo_id}/checkins/stats", headers=me),
        await client.get(f"/api/expos/{other_id}/passes/revocations", headers=me),
        await client.post(f"/api/expos/{other_id}/passes/verify", json={"token": "X"}, headers=me),
    ]
    assert [r.status_code for r in refusals] == [403] * len(refusals)
    own = await client.get(f"/api/expos/{expo_id}/passes/revocations", headers=me)
    assert own.status_code == 200, own.text
    # someone else's phone (the organiser's, on another gate) is not this account's to unpair
    assert (await client.post(f"/api/gate-staff/devices/{devices[0]['id']}/revoke", headers=me)).status_code == 404
    assert (await client.get(f"/api/gates/{utama['id']}/devices", headers=organiser)).json()[0]["revoked"] is False
    client.cookies.set(SESSION_COOKIE, staff)
    assert (await client.get(f"/admin/e/{slug}/gates")).status_code == 403
    assert (await client.get(f"/admin/e/{slug}/gates/setup")).status_code == 403
    page = await client.get("/gate/staff")
    assert "Utama" not in page.text  # its own gate only
    assert "Expo Gerbang" in page.text


async def test_a_gate_staff_log_in_lands_on_its_gate_and_an_unassigned_one_is_told_whom_to_ask(
    client: Client, session: AsyncSession
) -> None:
    await client.get("/login")
    email = f"baru-{nonce()}@expo.test"
    await make_user_token(session, Role.GATE, email=email)
    logged_in = await client.post(
        "/login",
        data={"email": email, "password": "rahasia-123", "_csrf_token": client.cookies.get("csrftoken") or ""},
        follow_redirects=False,
    )
    assert logged_in.status_code == 303, logged_in.text
    assert logged_in.headers["location"] == "/gate/staff"
    page = await client.get("/gate/staff")
    assert page.status_code == 200
    assert "Belum ada gerbang" in page.text
    refused = await client.get("/api/gate-staff/gate")
    assert (refused.status_code, refused.json()["code"]) == (403, "no_gate_assigned")
    client.cookies.clear()
    exhibitor = bearer(await make_user_token(session, Role.EXHIBITOR))
    assert (await client.get("/api/gate-staff/gate", headers=exhibitor)).status_code == 403
