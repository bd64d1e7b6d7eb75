"""Application and allocation pages, driven like a browser: apply, review, dry run, lock, commit, offers."""

import re
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.allocation import service as allocation_runs
from booths.applications.schemas import DryRunIn
from booths.demo.expo import seed_demo
from booths.demo.published import ORGANISER_EMAIL
from booths.venue.service import get_expo_by_slug
from expo.accounts import CurrentUser
from expo.auth import SESSION_COOKIE
from expo.models import Role, User
from expo.security import Passwords
from tests.support.factories import Venue, bearer, make_user_token, make_venue, signup_exhibitor

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
WINDOW = {"opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z", "time_limit_s": 1}


async def post_form(client: Client, path: str, data: dict[str, Any], *, from_page: str) -> httpx.Response:
    opened = await client.get(from_page)
    assert opened.status_code < 400, opened.text
    token = client.cookies.get("csrftoken")
    assert token
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
async def venue(session: AsyncSession) -> Venue:
    return await make_venue(session, booths=4, slug="lamaran")


@pytest.fixture
async def organiser(session: AsyncSession, venue: Venue) -> str:
    return await make_user_token(session, Role.ORGANISER)


async def test_exhibitor_applies_by_form_and_sees_the_explanation(client: Client, venue: Venue, organiser: str) -> None:
    rival, _ = await signup_exhibitor(client, venue.expo_id)
    _, token = await signup_exhibitor(client, venue.expo_id)
    client.cookies.set(SESSION_COOKIE, token)
    page = f"/e/{venue.expo.slug}/apply?lang=en"
    shown = await client.get(page)
    assert "Applications are not being taken now." in shown.text
    await client.put(f"/api/expos/{venue.expo_id}/allocation/settings", json=WINDOW, headers=bearer(organiser))

    bad = await post_form(client, f"/e/{venue.expo.slug}/apply", {"power_amps": "lots"}, from_page=page)
    assert bad.status_code == 422
    assert re.search(r'id="f-power"[^>]*aria-invalid="true"', bad.text)
    unknown = await post_form(client, f"/e/{venue.expo.slug}/apply", {"preferences": ["A-01", "Q-77"]}, from_page=page)
    assert unknown.status_code == 422
    assert "No booth or zone Q-77 in this expo." in unknown.text
    assert 'value="Q-77"' in unknown.text  # what was typed is kept

    sent = await post_form(
        client,
        f"/e/{venue.expo.slug}/apply",
        {"cluster": "kuliner", "preferences": ["A-02", "", "zone:kuliner"], "avoid": str(rival["id"]), "share": "1"},
        from_page=page,
    )
    assert sent.status_code == 303, sent.text
    status = (await client.get(sent.headers["location"] + "&lang=en")).text
    assert "Your application is saved." in status
    assert "Submitted" in status
    assert re.search(r'<option value="{}" selected'.format(rival["id"]), status)

    client.cookies.pop(SESSION_COOKIE)
    mine = (await client.get(f"/api/expos/{venue.expo_id}/applications", headers=bearer(organiser))).json()
    await client.post(f"/api/applications/{mine[0]['id']}/accept", json={}, headers=bearer(organiser))
    run = (await client.post(f"/api/expos/{venue.expo_id}/allocation/runs", json={}, headers=bearer(organiser))).json()
    await client.post(f"/api/allocation/runs/{run['id']}/commit", headers=bearer(organiser))
    client.cookies.set(SESSION_COOKIE, token)
    placed = text((await client.get(page)).text)
    assert "Placed" in placed
    assert "Got its choice no. 1: A-02." in placed
    assert "Asked to share a stand, but no partner fitted." in placed
    assert "My booking" in placed


async def test_organiser_reviews_runs_locks_and_commits(client: Client, venue: Venue, organiser: str) -> None:
    await client.put(f"/api/expos/{venue.expo_id}/allocation/settings", json=WINDOW, headers=bearer(organiser))
    for i in range(5):
        _, token = await signup_exhibitor(client, venue.expo_id)
        await client.post(
            f"/api/expos/{venue.expo_id}/applications", json={"preferences": [f"A-0{i % 4 + 1}"]}, headers=bearer(token)
        )
    client.cookies.set(SESSION_COOKIE, organiser)
    listing = f"/admin/e/{venue.expo.slug}/applications?lang=en"
    assert "Accept all 5 submitted" in (await client.get(listing)).text
    accepted = await post_form(
        client, f"/admin/e/{venue.expo.slug}/applications-accept-all", {"back": ""}, from_page=listing
    )
    assert accepted.status_code == 303

    page = f"/admin/e/{venue.expo.slug}/allocation?lang=en"
    ran = await post_form(
        client, f"/admin/e/{venue.expo.slug}/allocation/run", {"seed": "12", "time_limit_s": "1"}, from_page=page
    )
    assert ran.status_code == 303
    html = (await client.get(ran.headers["location"] + "&lang=en")).text
    assert "The dry run is done; no booking has changed." in html
    assert html.count('class="plan-booth plan-booth--proposed"') == 4
    assert "Fairness of exposure" in html
    assert "Not placed: the 4 booths that fit went to applicants ranked before no. 5." in text(html)
    pins = re.findall(r'name="pin" value="(\d+:\d+)"', html)
    assert len(pins) == 4

    rerun = await post_form(
        client, f"/admin/e/{venue.expo.slug}/allocation/run", {"seed": "13", "pin": pins[:2]}, from_page=page
    )
    html = (await client.get(rerun.headers["location"] + "&lang=en")).text
    assert html.count("plan-booth--pinned") == 2
    assert sorted(re.findall(r'name="pin" value="(\d+:\d+)" checked', html)) == sorted(pins[:2])
    run_id = re.search(r"run=(\d+)", rerun.headers["location"]).group(1)  # type: ignore[union-attr]

    committed = await post_form(
        client, f"/admin/e/{venue.expo.slug}/allocation/runs/{run_id}/commit", {}, from_page=page
    )
    assert committed.status_code == 303
    done = (await client.get(committed.headers["location"] + "&lang=en")).text
    assert "The allocation is committed" in done
    again = await post_form(client, f"/admin/e/{venue.expo.slug}/allocation/runs/{run_id}/commit", {}, from_page=page)
    assert again.status_code == 409
    assert "only a draft can be committed" in again.text


async def test_settings_form_checks_and_saves(client: Client, venue: Venue, organiser: str) -> None:
    client.cookies.set(SESSION_COOKIE, organiser)
    page = f"/admin/e/{venue.expo.slug}/allocation?lang=en"
    form = {
        "applications_only": "1",
        "opens_at": "2026-08-01T08:00",
        "closes_at": "2026-07-01T08:00",
        "offer_hours": "24",
        "zr0_zone": "package:gratis",
        "zr0_cl_kuliner": "1",
        "zr1_zone": "hall:A",
        "reserved_pesantren": "10",
        "w_competitor": "90",
    }
    refused = await post_form(client, f"/admin/e/{venue.expo.slug}/allocation/settings", form, from_page=page)
    assert refused.status_code == 422
    assert "Rule 2" in refused.text
    del form["zr1_zone"], form["zr0_cl_kuliner"]
    form["zr0_cs_umkm"] = "1"
    refused = await post_form(client, f"/admin/e/{venue.expo.slug}/allocation/settings", form, from_page=page)
    assert refused.status_code == 422
    assert "The window must close after it opens." in refused.text
    form["closes_at"] = "2026-09-01T08:00"
    saved = await post_form(client, f"/admin/e/{venue.expo.slug}/allocation/settings", form, from_page=page)
    assert saved.status_code == 303
    settings = (await client.get(f"/api/expos/{venue.expo_id}/allocation/settings")).json()
    assert settings["applications_only"] is True
    assert settings["opens_at"] == "2026-08-01T01:00:00Z"  # 08:00 WIB
    assert settings["weights"]["competitor"] == 90
    assert settings["quotas"] == [{"exhibitor_class": "pesantren", "reserved": 10, "cap": None}]
    assert settings["zone_rules"] == [{"zone": "package:gratis", "clusters": None, "classes": ["umkm"]}]


async def test_the_demo_has_applications_to_allocate(session: AsyncSession) -> None:
    await seed_demo(session, Passwords(time_cost=1, memory_kib=64))
    expo = await get_expo_by_slug(session, "opop-hari-santri-2026")
    assert expo.id is not None
    user = (await session.execute(sa.select(User).where(col(User.email) == ORGANISER_EMAIL))).scalar_one()
    assert user.id is not None  # ids are not 1 on PostgreSQL: a rolled-back test does not rewind sequences
    organiser = CurrentUser(id=user.id, email=user.email, name=user.name, role=Role.ORGANISER, everything=True)
    run = await allocation_runs.dry_run(session, expo.id, DryRunIn(seed=1, time_limit_s=1), organiser)
    await session.commit()
    result = run.result
    assert run.placed >= 15
    assert any(len(s["application_ids"]) > 1 for s in result["stands"])  # the demo's shared stand
    assert any(e["reason"]["code"] == "no_fitting_booth" for e in result["explanations"])
    assert any(e["reason"]["code"] == "kept_existing_booking" for e in result["explanations"])
    assert (await allocation_runs.changes_since(session, run)) == []
