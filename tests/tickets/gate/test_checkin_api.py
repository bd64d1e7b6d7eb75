"""The gate API over HTTP on both engines: pairing, device tokens, scans, sync batches, annul, reset,
daily close, and bad input answering a refusal or 4xx (never 500, never half-applied)."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from expo.database import create_sessionmaker
from expo.settings import Settings
from tests.support.gate import gate_over_http, nonce, now_iso, pass_over_http
from tests.support.passes import Client, log_in_as
from tickets.gate import checkin, live
from tickets.gate.models import Scan
from tickets.signing.keys import load_keys

pytestmark = pytest.mark.anyio


async def _scan(client: Client, device: dict[str, str], text: str, **extra: Any) -> Any:
    body = {"text": text, "direction": "entry", "client_scan_id": nonce(), "scanned_at": now_iso()} | extra
    return await client.post("/api/gate/scans", json=body, headers=device)


async def test_pair_scan_and_see_the_holder(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    token = await pass_over_http(client, expo_id, organiser, "Budi Santoso")
    first = await _scan(client, device, token, client_scan_id="abc-1")
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["status"], body["reason"], body["holder_name"], body["kind"]) == (
        "ok",
        "ok",
        "Budi Santoso",
        "visitor",
    )
    replay = await _scan(client, device, token, client_scan_id="abc-1")
    assert (replay.json()["scan_id"], replay.json()["reason"], replay.json()["replay"]) == (
        first.json()["scan_id"],
        "ok",
        True,
    )
    second = await _scan(client, device, token)
    assert second.json()["reason"] == "already_inside"
    me = await client.get("/api/gate/me", headers=device)
    assert me.json()["name"] == "Utama"


async def test_unknown_and_revoked_devices_are_refused(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    token = await pass_over_http(client, expo_id, organiser)
    assert (await _scan(client, {"Authorization": "Device nope"}, token)).status_code == 401
    assert (await _scan(client, {}, token)).status_code == 401
    devices = await client.get(f"/api/expos/{expo_id}/gates", headers=organiser)
    gate_id = devices.json()[0]["id"]
    listed = await client.get(f"/api/gates/{gate_id}/devices", headers=organiser)
    revoked = await client.post(f"/api/gate-devices/{listed.json()[0]['id']}/revoke", headers=organiser)
    assert revoked.json()["revoked"] is True
    refused = await _scan(client, device, token)
    assert refused.status_code == 403
    assert refused.json()["code"] == "device_revoked"
    assert (await client.post(f"/api/expos/{expo_id}/gates", json={"name": "X"}, headers=device)).status_code == 401


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({"text": "A" * 1025}, 422),
        ({"text": 12}, 422),
        ({"client_scan_id": ""}, 422),
        ({"client_scan_id": "x" * 65}, 422),
        ({"direction": "sideways"}, 422),
        ({"scanned_at": "2026-01-01T00:00:00"}, 422),
        ({"scanned_at": "0001-01-01T00:00:00+05:00"}, 422),
        ({"clock_offset_ms": 10**12}, 422),
    ],
)
async def test_bad_scan_input_is_4xx_and_stores_nothing(
    client: Client, session: AsyncSession, extra: dict[str, Any], status: int
) -> None:
    _, _, device = await gate_over_http(client, session)
    response = await _scan(client, device, **({"text": "ABCD-EFGH"} | extra))
    assert response.status_code == status, response.text
    assert await session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0


@pytest.mark.parametrize("text", ["", "\x00\x01\x02", "garbage", "€" * 300])
async def test_garbage_text_is_a_recorded_refusal(client: Client, session: AsyncSession, text: str) -> None:
    _, _, device = await gate_over_http(client, session)
    response = await _scan(client, device, text)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["reason"]) == ("refused", "invalid")


async def test_sync_stores_each_scan_once_and_flags_conflicts(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    token = await pass_over_http(client, expo_id, organiser)
    other = await pass_over_http(client, expo_id, organiser, "Dewi")
    online = await _scan(client, device, token)
    assert online.json()["reason"] == "ok"
    at = datetime.now(UTC) - timedelta(minutes=3)
    batch = {
        "scans": [
            {
                "text": other,
                "client_scan_id": "off-2",
                "scanned_at": (at + timedelta(seconds=5)).isoformat(),
                "device_status": "ok",
            },
            {"text": token, "client_scan_id": "off-1", "scanned_at": at.isoformat(), "device_status": "ok"},
            {"text": "junk", "client_scan_id": "off-3", "scanned_at": at.isoformat(), "device_status": "refused"},
        ]
    }
    first = await client.post("/api/gate/sync", json=batch, headers=device)
    assert first.status_code == 200, first.text
    assert (first.json()["stored"], first.json()["duplicates"], first.json()["conflicts"]) == (3, 0, 1)
    by_id = {r["client_scan_id"]: r for r in first.json()["results"]}
    assert by_id["off-1"]["reason"] == "already_inside"
    assert by_id["off-1"]["conflict"] is True
    assert by_id["off-2"]["reason"] == "ok"
    again = await client.post("/api/gate/sync", json=batch, headers=device)
    assert (again.json()["stored"], again.json()["duplicates"]) == (0, 3)
    assert await session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 4
    stored = await session.scalar(sa.select(Scan).where(Scan.client_scan_id == "off-2"))
    assert stored is not None
    assert stored.offline
    assert stored.received_at > stored.scanned_at
    assert load_keys(settings.signing_key_file).signing_key_id == 1


async def test_bad_sync_batches_are_refused_whole(client: Client, session: AsyncSession) -> None:
    _, _, device = await gate_over_http(client, session)
    good = {"text": "x", "client_scan_id": "g-1", "scanned_at": now_iso()}
    too_many = {"scans": [good | {"client_scan_id": f"b-{i}"} for i in range(501)]}
    assert (await client.post("/api/gate/sync", json=too_many, headers=device)).status_code == 422
    no_zone = {"scans": [good, good | {"client_scan_id": "g-2", "scanned_at": "2026-10-21T10:00:00"}]}
    assert (await client.post("/api/gate/sync", json=no_zone, headers=device)).status_code == 422
    no_zone_sent = {"scans": [good], "sent_at": "2026-10-21T10:00:00"}
    assert (await client.post("/api/gate/sync", json=no_zone_sent, headers=device)).status_code == 422
    assert (await client.post("/api/gate/sync", json={"scans": "nope"}, headers=device)).status_code == 422
    assert await session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0


async def test_a_phone_with_a_wrong_clock_loses_no_scan(client: Client, session: AsyncSession) -> None:
    """20 minutes fast online, 20 minutes slow offline, a year off: every scan is stored, flagged with
    both times, counted on the dashboard and listed in the latest scans; each answer has the server's
    time for the scanner to learn its offset from."""
    expo_id, organiser, device = await gate_over_http(client, session)
    tokens = [await pass_over_http(client, expo_id, organiser, f"Tamu {i}") for i in range(4)]
    now = datetime.now(UTC)
    fast = await _scan(client, device, tokens[0], scanned_at=(now + timedelta(minutes=20)).isoformat())
    assert fast.status_code == 200, fast.text
    assert (fast.json()["status"], fast.json()["clock_skewed"]) == ("ok", True)
    assert abs(datetime.fromisoformat(fast.json()["server_time"]) - now) < timedelta(minutes=1)
    assert abs(datetime.fromisoformat(fast.json()["scanned_at"]) - now) < timedelta(minutes=1)
    slow = timedelta(minutes=20)
    batch = {
        "sent_at": (now - slow).isoformat(),
        "scans": [
            {"text": tokens[1], "client_scan_id": "s-1", "scanned_at": (now - slow - timedelta(minutes=5)).isoformat()},
            {"text": tokens[2], "client_scan_id": "s-2", "scanned_at": "2000-01-01T00:00:00+00:00"},
            {"text": tokens[3], "client_scan_id": "s-3", "scanned_at": "9999-12-31T23:59:00+00:00"},
        ],
    }
    synced = await client.post("/api/gate/sync", json=batch, headers=device)
    assert synced.status_code == 200, synced.text
    assert synced.json()["stored"] == 3
    by_id = {r["client_scan_id"]: r for r in synced.json()["results"]}
    assert {k: (r["status"], r["clock_skewed"]) for k, r in by_id.items()} == {
        "s-1": ("ok", True),
        "s-2": ("ok", True),
        "s-3": ("ok", True),
    }
    placed = datetime.fromisoformat(by_id["s-1"]["scanned_at"])
    assert abs(placed - (now - timedelta(minutes=5))) < timedelta(minutes=1)
    assert datetime.fromisoformat(by_id["s-1"]["device_scanned_at"]) < placed - timedelta(minutes=19)
    stats = (await client.get(f"/api/expos/{expo_id}/checkins/stats", headers=organiser)).json()
    assert (stats["entries_today"], stats["inside_now"]) == (4, 4)
    recent = (await client.get(f"/api/expos/{expo_id}/scans", headers=organiser)).json()
    assert [r["clock_skewed"] for r in recent] == [True] * 4
    exported = await client.get(f"/api/expos/{expo_id}/scans.csv", headers=organiser)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["clock_skewed"], bool(r["device_scanned_at"])) for r in rows] == [("1", True)] * 4
    context = await client.get("/api/gate/context", headers=device)
    assert abs(datetime.fromisoformat(context.json()["server_time"]) - datetime.now(UTC)) < timedelta(minutes=1)


async def test_annul_reset_and_close_day_by_the_organiser(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    token = await pass_over_http(client, expo_id, organiser)
    entry = (await _scan(client, device, token)).json()
    assert (
        await client.post(f"/api/scans/{entry['scan_id']}/annul", json={"reason": "x"}, headers=device)
    ).status_code == 401
    annulled = await client.post(
        f"/api/scans/{entry['scan_id']}/annul", json={"reason": "salah orang"}, headers=organiser
    )
    assert annulled.status_code == 200, annulled.text
    assert annulled.json()["annulled"] is True
    twice = await client.post(f"/api/scans/{entry['scan_id']}/annul", json={"reason": "lagi"}, headers=organiser)
    assert twice.status_code == 409
    assert (await _scan(client, device, token)).json()["reason"] == "ok"
    closed = await client.post(f"/api/expos/{expo_id}/checkins/close-day", headers=organiser)
    assert closed.json() == {"checked_out": 1}
    assert (await _scan(client, device, token)).json()["reason"] == "ok"
    no_confirm = await client.post(f"/api/expos/{expo_id}/checkins/reset", json={}, headers=organiser)
    assert no_confirm.status_code == 422
    reset = await client.post(f"/api/expos/{expo_id}/checkins/reset", json={"confirm": "reset"}, headers=organiser)
    assert reset.json() == {"deleted_scans": 3}


async def test_gate_setup_validates(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, _ = await gate_over_http(client, session)
    dup = await client.post(f"/api/expos/{expo_id}/gates", json={"name": "Utama"}, headers=organiser)
    assert dup.status_code == 409
    bad_kind = await client.post(
        f"/api/expos/{expo_id}/gates", json={"name": "B", "kind_codes": ["alien"]}, headers=organiser
    )
    assert bad_kind.status_code == 422
    bad_hall = await client.post(
        f"/api/expos/{expo_id}/gates", json={"name": "C", "hall_id": 999999}, headers=organiser
    )
    assert bad_hall.status_code == 422
    assert (await client.post("/api/gates/999999/devices", json={"name": "x"}, headers=organiser)).status_code == 404
    assert (await client.post("/api/gate/pair", json={"pairing_code": "WRONG"})).status_code == 404
    rule = await client.put(
        f"/api/expos/{expo_id}/pass-kinds/visitor/reentry", json={"reentry": "once"}, headers=organiser
    )
    assert rule.status_code == 200, rule.text


async def test_dashboard_numbers_csv_and_the_event_stream(
    client: Client, session: AsyncSession, engine: AsyncEngine, settings: Settings
) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    a = await pass_over_http(client, expo_id, organiser, "Ani")
    b = await pass_over_http(client, expo_id, organiser, "Budi")
    await _scan(client, device, a)
    await _scan(client, device, b)
    await _scan(client, device, b)  # already inside
    await _scan(client, device, b, direction="exit")
    await _scan(client, device, "junk")
    stats = await client.get(f"/api/expos/{expo_id}/checkins/stats", headers=organiser)
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert (body["inside_now"], body["entries_today"], body["exits_today"]) == (1, 2, 1)
    assert body["per_gate"] == {"Utama": {"entries": 2, "exits": 1}}
    assert body["per_kind"] == {"visitor": 2}
    assert sum(body["per_hour"]) == 2
    assert body["refused_by_reason"] == {"already_inside": 1, "invalid": 1}
    assert (await client.get(f"/api/expos/{expo_id}/checkins/stats", headers=device)).status_code == 401

    exported = await client.get(f"/api/expos/{expo_id}/scans.csv", headers=organiser)
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:3] == ["scan_id", "scanned_at", "received_at"]
    assert len(rows) == 6
    assert {r[8] for r in rows[1:]} == {"Ani", "Budi", ""}

    async with live.channels_plugin(settings) as channels:  # on this loop: the app's runs in the client's thread
        events = live.stats_events(create_sessionmaker(engine), channels, expo_id)
        first = json.loads(await anext(events))
        assert first["inside_now"] == 1
        await events.aclose()


async def test_the_scanner_and_dashboard_pages_render(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, _ = await gate_over_http(client, session)
    scanner = await client.get("/gate")
    assert scanner.status_code == 200
    assert "/static/vendor/jsqr/jsQR.js" in scanner.text
    slug = (await client.get(f"/api/expos/{expo_id}")).json()["slug"]
    log_in_as(client, organiser["Authorization"].removeprefix("Bearer "))
    dashboard = await client.get(f"/admin/e/{slug}/gates")
    assert dashboard.status_code == 200
    assert "Di dalam sekarang" in dashboard.text
    client.cookies.clear()
    assert (await client.get(f"/admin/e/{slug}/gates", follow_redirects=False)).status_code in {302, 303, 401}


def _texts(html: str) -> Any:
    block = re.search(r'<script type="application/json" id="gate-texts">(.*?)</script>', html, re.S)
    assert block, "the page carries its texts in a JSON data block"
    return json.loads(block.group(1))


@pytest.mark.parametrize(
    ("lang", "revoked", "clock", "invalid"),
    [
        ("id", "Perangkat dicabut", "Jam ponsel salah", "Kode tidak valid"),
        ("en", "Phone revoked", "Phone clock is wrong", "Invalid code"),
    ],
)
async def test_the_scanner_says_device_refusals_in_the_catalogs_words(
    client: Client, lang: str, revoked: str, clock: str, invalid: str
) -> None:
    """The page's texts come from the translation catalogs; a refusal about the phone has its own
    words (what to do), not "invalid code"; the script holds no text table of its own."""
    texts = _texts((await client.get(f"/gate?lang={lang}")).text)
    reasons = texts["reasons"]
    assert reasons["device_revoked"].startswith(revoked)
    assert reasons["scan_time_invalid"].startswith(clock)
    assert reasons["clock_skewed"] == reasons["scan_time_invalid"]
    assert reasons["invalid"] == invalid
    assert reasons["device_unknown"] not in {reasons["invalid"], reasons["device_revoked"]}
    assert set(reasons) >= {*checkin.REASONS, "unverifiable", "device_unknown", "rejected"}
    script = (await client.get("/static/gate/scanner.js")).text
    assert "Kode tidak valid" not in script
    assert "TEXT" not in script
    assert '"committee"' not in script  # the re-entry rule comes from the server's context only


async def test_latest_scans_newest_first_for_organisers_only(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    token = await pass_over_http(client, expo_id, organiser, "Siti Aminah")
    for text in (token, token, "junk"):
        await _scan(client, device, text)
    listed = await client.get(f"/api/expos/{expo_id}/scans", headers=organiser)
    assert listed.status_code == 200, listed.text
    rows = listed.json()
    assert [r["reason"] for r in rows] == ["invalid", "already_inside", "ok"]
    assert rows[2]["holder_name"] == "Siti Aminah"
    assert rows[2]["gate"] == "Utama"
    older = await client.get(f"/api/expos/{expo_id}/scans?limit=1&before={rows[0]['scan_id']}", headers=organiser)
    assert [r["reason"] for r in older.json()] == ["already_inside"]
    annulled = await client.post(f"/api/scans/{rows[2]['scan_id']}/annul", json={"reason": "salah"}, headers=organiser)
    assert annulled.status_code == 200
    after = (await client.get(f"/api/expos/{expo_id}/scans", headers=organiser)).json()
    assert (after[2]["annulled"], after[2]["annul_reason"]) == (True, "salah")
    assert (await client.get(f"/api/expos/{expo_id}/scans", headers=device)).status_code == 401
    for bad in ("limit=0", "limit=201", "before=0", "limit=x"):
        answer = await client.get(f"/api/expos/{expo_id}/scans?{bad}", headers=organiser)
        assert answer.status_code in {400, 422}, (bad, answer.text)
    assert (await client.get("/api/expos/999999/scans", headers=organiser)).status_code == 404


async def test_the_scan_endpoint_reads_tokens_codes_and_old_tokens(client: Client, session: AsyncSession) -> None:
    """The online path reads the device and the pass in one query: every way of naming a pass still
    gets its own answer."""
    expo_id, organiser, device = await gate_over_http(client, session)
    issued = await client.post(
        f"/api/expos/{expo_id}/passes", json={"kind": "visitor", "holder_name": "Siti Aminah"}, headers=organiser
    )
    old_token, pass_id = issued.json()["token"], issued.json()["id"]
    reissued = await client.post(f"/api/passes/{pass_id}/reissue", headers=organiser)
    assert reissued.status_code == 200, reissued.text
    by_old = await _scan(client, device, old_token)
    assert (by_old.json()["reason"], by_old.json()["holder_name"]) == ("revoked", "Siti Aminah")
    by_code = await _scan(client, device, reissued.json()["code"].lower())
    assert (by_code.json()["reason"], by_code.json()["holder_name"]) == ("ok", "Siti Aminah")
    other_expo, other_organiser, _ = await gate_over_http(client, session)
    foreign = await pass_over_http(client, other_expo, other_organiser)
    assert (await _scan(client, device, foreign)).json()["reason"] == "wrong_expo"
    assert (await _scan(client, device, "ZZZZ-ZZZZ")).json()["reason"] == "invalid"
    unknown = {"Authorization": "Device not-a-token"}
    assert (await _scan(client, unknown, old_token, scanned_at="2999-01-01T00:00:00+00:00")).status_code == 401
