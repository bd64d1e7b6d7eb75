"""Passes through HTTP on both engines: issuing, staff quotas, visitors, revoke/reissue, gate data,
printing one pass or a batch, and the bad input that must answer 4xx."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.models import Role
from expo.settings import Settings
from tests.support.client import ClientWith
from tests.support.factories import bearer, expo_day, make_user_token, make_venue
from tests.support.gate import gate_staff_token
from tests.support.jobs import run_jobs
from tests.support.passes import Client, confirmed_exhibitor, decode_qr_codes, pdf_text, problem_fields
from tickets.passes.service import CODE_ALPHABET
from tickets.signing import tokens
from tickets.signing.keys import load_keys

pytestmark = pytest.mark.anyio

DAYS = [expo_day(0).isoformat(), expo_day(1).isoformat()]
API = {"Authorization": "Bearer none"}  # a public API call without a cookie: no CSRF token needed


async def _organiser(session: AsyncSession) -> dict[str, str]:
    return bearer(await make_user_token(session, Role.ORGANISER))


async def _issue(client: Client, expo_id: int, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    payload = {"kind": "committee", "holder_name": "Ahmad Fiktif"} | body
    response = await client.post(f"/api/expos/{expo_id}/passes", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_an_expo_starts_with_six_kinds_with_colours_and_token_numbers(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    response = await client.get(f"/api/expos/{venue.expo_id}/pass-kinds")
    assert response.status_code == 200
    kinds = {k["code"]: k for k in response.json()}
    assert list(kinds) == ["exhibitor", "visitor", "committee", "volunteer", "press", "vip"]
    assert kinds["exhibitor"]["staff"]
    assert kinds["visitor"]["self_register"]
    assert kinds["committee"]["band_label"] == "PANITIA"
    assert kinds["committee"]["color"].startswith("#")
    assert len({k["number"] for k in kinds.values()}) == 6


async def test_organiser_issues_a_pass_whose_token_verifies_offline(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    body = await _issue(client, venue.expo_id, org, kind="press", holder_name="  Dewi   Wartawati ", days=DAYS)
    assert body["holder_name"] == "Dewi Wartawati"
    assert body["kind"] == "press"
    assert body["status"] == "active"
    assert body["days"] == DAYS
    assert len(body["code"]) == 9
    assert body["code"][4] == "-"
    assert set(body["code"].replace("-", "")) <= set(CODE_ALPHABET)
    assert not set(CODE_ALPHABET) & set("0OQ1IL2Z5SBG")  # one of each look-alike group at most
    keys = (await client.get("/api/passes/keys")).json()
    from tickets.signing.keys import public_key_from_text

    public = {k["key_id"]: public_key_from_text(k["public_key"]) for k in keys["keys"]}
    claims = tokens.verify(body["token"], public, venue.expo_id)
    assert claims.days == (expo_day(0), expo_day(1))
    assert "private" not in str(keys).lower()
    assert settings.signing_key_file.stat().st_mode & 0o777 == 0o600


BAD_PASS_INPUT: list[tuple[dict[str, Any], str]] = [
    ({"holder_name": ""}, "holder_name"),
    ({"holder_name": "   "}, "holder_name"),
    ({"holder_name": "x" * 101}, "holder_name"),
    ({"holder_name": "Bell\u0007"}, "holder_name"),
    ({"kind": "astronaut"}, "kind"),
    ({"days": [expo_day(12).isoformat()]}, "days"),
    ({"days": []}, "days"),
    ({"phone": "12"}, "phone"),
    ({"email": "not-an-email"}, "email"),
]


async def test_bad_pass_input_is_a_422_naming_the_field(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    for body, field in BAD_PASS_INPUT:
        payload = {"kind": "committee", "holder_name": "Ahmad"} | body
        response = await client.post(f"/api/expos/{venue.expo_id}/passes", json=payload, headers=org)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in problem_fields(response.json()), body
    assert (await client.get(f"/api/expos/{venue.expo_id}/passes", headers=org)).json() == []


async def test_staff_passes_need_a_confirmed_booking_and_stop_at_the_quota(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    exhibitor_id, token, booking_id = await confirmed_exhibitor(client, venue, org)
    me = bearer(token)
    url = f"/api/exhibitors/{exhibitor_id}/staff-passes"
    first = await client.post(url, json={"holder_name": "Siti Penjaga"}, headers=me)
    second = await client.post(url, json={"holder_name": "Budi Penjaga"}, headers=me)
    assert first.status_code == second.status_code == 201
    assert first.json()["booth_code"] == "A-01"
    assert first.json()["kind"] == "exhibitor"
    third = await client.post(url, json={"holder_name": "Orang Ketiga"}, headers=me)
    assert third.status_code == 409
    assert third.json()["code"] == "staff_quota_reached"
    # The organiser raises the quota; a revoked pass frees its slot too.
    raised = await client.put(f"/api/bookings/{booking_id}/staff-quota", json={"quota": 3}, headers=org)
    assert raised.status_code == 200
    assert raised.json() == {
        "booking_id": booking_id,
        "booth_code": "A-01",
        "package_quota": 2,
        "quota": 3,
        "used": 2,
        "stand_quota": None,  # not a shared stand
    }
    assert (await client.post(url, json={"holder_name": "Orang Ketiga"}, headers=me)).status_code == 201
    lowered = await client.put(f"/api/bookings/{booking_id}/staff-quota", json={"quota": 1}, headers=org)
    assert lowered.status_code == 409
    assert lowered.json()["code"] == "quota_below_issued"
    listed = (await client.get(f"/api/expos/{venue.expo_id}/passes", headers=me)).json()
    assert len(listed) == 3
    assert {p["exhibitor_id"] for p in listed} == {exhibitor_id}


async def test_no_staff_pass_for_a_held_booking_and_none_survive_a_cancellation(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    exhibitor_id, token, booking_id = await confirmed_exhibitor(client, venue, org)
    held_exhibitor, held_token = await confirmed_or_held(client, venue)
    refused = await client.post(
        f"/api/exhibitors/{held_exhibitor}/staff-passes",
        json={"holder_name": "Belum Bayar"},
        headers=bearer(held_token),
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "booking_not_confirmed"
    staff = await client.post(
        f"/api/exhibitors/{exhibitor_id}/staff-passes", json={"holder_name": "Siti"}, headers=bearer(token)
    )
    assert staff.status_code == 201
    cancel = await client.post(f"/api/bookings/{booking_id}/cancel", json={"reason": "batal"}, headers=org)
    assert cancel.status_code == 200
    listed = (await client.get(f"/api/expos/{venue.expo_id}/passes?kind=exhibitor", headers=org)).json()
    assert [p["status"] for p in listed] == ["revoked"]
    gate = bearer(await gate_staff_token(session, venue.expo_id))
    revoked = (await client.get(f"/api/expos/{venue.expo_id}/passes/revocations", headers=gate)).json()
    assert [r["serial"] for r in revoked["revoked"]] == [tokens.parse(staff.json()["token"])[0].serial]
    pdf = await client.get(f"/api/passes/{staff.json()['id']}/pass.pdf", headers=bearer(token))
    assert pdf.status_code == 409
    assert pdf.json()["code"] == "pass_revoked"


async def confirmed_or_held(client: Client, venue: Any) -> tuple[int, str]:
    """An exhibitor whose only booking is held (a paid stand, not yet paid)."""
    from tests.support.factories import signup_exhibitor

    exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    hold = await client.post(f"/api/booths/{venue.booth_ids[3]}/hold", headers=bearer(token))
    assert hold.status_code == 201
    assert hold.json()["status"] == "held"
    return int(exhibitor["id"]), token


async def test_an_exhibitor_never_sees_or_prints_another_exhibitors_passes(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session, booth_limit=2)
    org = await _organiser(session)
    mine_id, mine, _ = await confirmed_exhibitor(client, venue, org, 0)
    other_id, other, _ = await confirmed_exhibitor(client, venue, org, 1)
    theirs = await client.post(
        f"/api/exhibitors/{other_id}/staff-passes", json={"holder_name": "Rahasia Lain"}, headers=bearer(other)
    )
    pass_id = theirs.json()["id"]
    me = bearer(mine)
    for method, path in [
        ("GET", f"/api/passes/{pass_id}"),
        ("GET", f"/api/passes/{pass_id}/pass.pdf"),
        ("GET", f"/api/passes/{pass_id}/pass.png"),
        ("GET", f"/api/passes/{pass_id}/history"),
        ("POST", f"/api/passes/{pass_id}/reissue"),
        ("GET", f"/api/exhibitors/{other_id}/staff-quotas"),
    ]:
        response = await client.request(method, path, headers=me)
        assert response.status_code == 404, (path, response.text)
    assert (await client.post(f"/api/passes/{pass_id}/revoke", json={}, headers=me)).status_code == 404
    creating = await client.post(f"/api/exhibitors/{other_id}/staff-passes", json={"holder_name": "X"}, headers=me)
    assert creating.status_code == 404
    assert (await client.get(f"/api/expos/{venue.expo_id}/passes", headers=me)).json() == []
    batch = await client.post(f"/api/expos/{venue.expo_id}/pass-batches", json={"pass_ids": [pass_id]}, headers=me)
    assert batch.status_code == 422
    assert batch.json()["code"] == "no_passes"
    other_batch = await client.post(
        f"/api/expos/{venue.expo_id}/pass-batches", json={"exhibitor_id": other_id}, headers=me
    )
    assert other_batch.status_code == 404
    assert mine_id != other_id


async def test_revoke_and_reissue_feed_the_revocation_list_in_order(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    gate = bearer(await gate_staff_token(session, venue.expo_id))
    a = await _issue(client, venue.expo_id, org, holder_name="Pertama")
    b = await _issue(client, venue.expo_id, org, holder_name="Kedua")
    reissued = await client.post(f"/api/passes/{a['id']}/reissue", headers=org)
    assert reissued.status_code == 200
    new = reissued.json()
    assert new["token"] != a["token"]
    assert new["code"] != a["code"]
    assert new["status"] == "active"
    revoked = await client.post(f"/api/passes/{b['id']}/revoke", json={"reason": "hilang"}, headers=org)
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["token"] is None
    again = await client.post(f"/api/passes/{b['id']}/reissue", headers=org)
    assert again.status_code == 409
    assert again.json()["code"] == "pass_revoked"
    twice = await client.post(f"/api/passes/{b['id']}/revoke", json={}, headers=org)
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_revoked"
    url = f"/api/expos/{venue.expo_id}/passes/revocations"
    full = (await client.get(url, headers=gate)).json()
    serial = {name: tokens.parse(p["token"])[0].serial for name, p in (("a", a), ("b", b))}
    assert [(r["seq"], r["serial"]) for r in full["revoked"]] == [(1, serial["a"]), (2, serial["b"])]
    assert full["next"] == 2
    assert full["complete"]
    later = (await client.get(f"{url}?since=1", headers=gate)).json()
    assert [r["serial"] for r in later["revoked"]] == [serial["b"]]
    paged = (await client.get(f"{url}?since=0&limit=1", headers=gate)).json()
    assert paged["next"] == 1
    assert not paged["complete"]
    assert (await client.get(url)).status_code == 401
    verify = f"/api/expos/{venue.expo_id}/passes/verify"
    checks = {
        "old token": (a["token"], "revoked"),
        "new token": (new["token"], "ok"),
        "revoked": (b["token"], "revoked"),
        "tampered": (new["token"][:40] + ("A" if new["token"][40] != "A" else "B") + new["token"][41:], None),
        "truncated": (new["token"][:-3], "malformed"),
    }
    for name, (token, code) in checks.items():
        result = (await client.post(verify, json={"token": token}, headers=gate)).json()
        assert result["valid"] is (name == "new token"), name
        if code:
            assert result["code"] == code, (name, result)
    history = (await client.get(f"/api/passes/{a['id']}/history", headers=org)).json()
    assert [h["action"] for h in history] == ["issue", "reissue"]
    assert history[0]["serial"] == serial["a"]
    assert history[1]["serial"] != serial["a"]


async def test_rename_keeps_the_token_valid(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    issued = await _issue(client, venue.expo_id, org, holder_name="Nama Lama")
    renamed = await client.patch(f"/api/passes/{issued['id']}", json={"holder_name": "Nama Baru"}, headers=org)
    assert renamed.status_code == 200
    assert renamed.json()["holder_name"] == "Nama Baru"
    assert renamed.json()["token"] == issued["token"]
    empty = await client.patch(f"/api/passes/{issued['id']}", json={"holder_name": ""}, headers=org)
    assert empty.status_code == 422


async def test_csv_import_is_all_or_nothing_with_row_errors(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    url = f"/api/expos/{venue.expo_id}/passes/import?kind=volunteer"
    bad = (
        "name,phone,email,days\n"
        "Relawan Satu,0812 3456 7890,,\n"
        ",,,\n"
        ",0812 1111 2222,,\n"
        "Relawan Tiga,12,,\n"
        f"Relawan Empat,,,{expo_day(40).isoformat()}\n"
        f"{'x' * 120},,,\n"
    )
    response = await client.post(url, content=bad.encode(), headers=org | {"content-type": "text/csv"})
    assert response.status_code == 422
    assert response.json()["code"] == "csv_invalid"
    assert problem_fields(response.json()) == {"rows.4.name", "rows.5.phone", "rows.6.days", "rows.7.name"}
    listed = (await client.get(f"/api/expos/{venue.expo_id}/passes", headers=org)).json()
    assert listed == []
    good = f"name;organisation;days\nRelawan Satu;PMI Jombang;{expo_day(0).isoformat()}\nمحمد الفاتح;;\n"
    created = await client.post(url, content=good.encode(), headers=org | {"content-type": "text/csv"})
    assert created.status_code == 201, created.text
    assert created.json()["created"] == 2
    listed = (await client.get(f"/api/expos/{venue.expo_id}/passes?kind=volunteer", headers=org)).json()
    assert {p["holder_name"] for p in listed} == {"Relawan Satu", "محمد الفاتح"}
    unknown = await client.post(
        f"/api/expos/{venue.expo_id}/passes/import?kind=nope", content=good.encode(), headers=org
    )
    assert unknown.status_code == 422
    staff = await client.post(
        f"/api/expos/{venue.expo_id}/passes/import?kind=exhibitor", content=good.encode(), headers=org
    )
    assert staff.status_code == 422
    assert staff.json()["code"] == "staff_kind_not_importable"


async def test_visitor_registers_without_an_account_and_gets_the_pass_back_by_secret_link(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    body = {"holder_name": "Nur Aini", "regency": "Jombang", "category": "santri", "days": [expo_day(2).isoformat()]}
    response = await client.post(f"/api/expos/{venue.expo_id}/visitors", json=body, headers=API)
    assert response.status_code == 201, response.text
    registered = response.json()
    link = registered["access_url"]
    secret = link.removeprefix("/p/")
    assert link.startswith("/p/")
    assert len(secret) >= 32
    assert secret != str(registered["id"])
    mine = (await client.get(f"/api/visitor-passes/{secret}")).json()
    assert mine["holder_name"] == "Nur Aini"
    assert mine["token"] == registered["token"]
    assert (await client.get(f"/api/visitor-passes/{secret[:-2]}xx")).status_code == 404
    pdf = await client.get(f"/api/visitor-passes/{secret}/pass.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert decode_qr_codes(pdf.content) == [[mine["token"]]]
    png = await client.get(f"/api/visitor-passes/{secret}/pass.png")
    assert png.status_code == 200
    assert png.content.startswith(b"\x89PNG")
    outside = await client.post(
        f"/api/expos/{venue.expo_id}/visitors", json=body | {"days": [expo_day(-1).isoformat()]}, headers=API
    )
    assert outside.status_code == 422
    assert "days" in problem_fields(outside.json())
    no_days = await client.post(f"/api/expos/{venue.expo_id}/visitors", json=body | {"days": []}, headers=API)
    assert no_days.status_code == 422
    bad_category = await client.post(
        f"/api/expos/{venue.expo_id}/visitors", json=body | {"category": "turis"}, headers=API
    )
    assert bad_category.status_code == 422


async def test_visitor_registration_is_rate_limited(session: AsyncSession, client_with: ClientWith) -> None:
    venue = await make_venue(session)
    body = {"holder_name": "Spam", "regency": "Jombang", "category": "umum", "days": [expo_day(2).isoformat()]}
    async with client_with(visitor_rate_limit_per_minute=3) as client:
        codes = [
            (await client.post(f"/api/expos/{venue.expo_id}/visitors", json=body, headers=API)).status_code
            for _ in range(5)
        ]
    assert codes[:3] == [201, 201, 201]
    assert codes[3:] == [429, 429]


async def test_a_printed_pass_decodes_to_a_token_naming_that_pass(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    exhibitor_id, token, _ = await confirmed_exhibitor(client, venue, org)
    staff = await client.post(
        f"/api/exhibitors/{exhibitor_id}/staff-passes", json={"holder_name": "Siti Penjaga"}, headers=bearer(token)
    )
    pdf = await client.get(f"/api/passes/{staff.json()['id']}/pass.pdf", headers=bearer(token))
    assert pdf.status_code == 200
    [[decoded]] = decode_qr_codes(pdf.content)
    keys = load_keys(settings.signing_key_file).public_keys()
    claims = tokens.verify(decoded, keys, venue.expo_id)
    gate = bearer(await gate_staff_token(session, venue.expo_id))
    check = await client.post(f"/api/expos/{venue.expo_id}/passes/verify", json={"token": decoded}, headers=gate)
    assert check.json()["valid"]
    assert check.json()["pass_id"] == staff.json()["id"]
    assert check.json()["kind"] == "exhibitor"
    assert claims.kind == 1
    [text] = pdf_text(pdf.content)
    assert "Siti Penjaga" in text
    assert "A-01" in text
    assert staff.json()["code"] in text


async def test_a_small_batch_is_a_pdf_at_once(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    issued = [await _issue(client, venue.expo_id, org, holder_name=f"Panitia {i}") for i in range(5)]
    response = await client.post(f"/api/expos/{venue.expo_id}/pass-batches", json={"kind": "committee"}, headers=org)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pages = decode_qr_codes(response.content, scale=2.0)
    assert [len(p) for p in pages] == [4, 1]
    assert sorted(t for p in pages for t in p) == sorted(p["token"] for p in issued)


@pytest.mark.real_commits  # the job runs in a worker with its own engine
async def test_a_large_batch_runs_as_a_job_with_status_and_download(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    for i in range(6):
        await _issue(client, venue.expo_id, org, holder_name=f"Relawan {i}", kind="volunteer")
    started = await client.post(
        f"/api/expos/{venue.expo_id}/pass-batches", json={"background": True, "paper": "f4"}, headers=org
    )
    assert started.status_code == 202, started.text
    job_url = started.headers["location"]
    assert (await client.get(job_url, headers=org)).json()["status"] == "queued"
    assert await run_jobs(settings) == 1
    job = (await client.get(job_url, headers=org)).json()
    assert job["status"] == "done", job
    assert job["done"] == job["total"] == 6
    download = await client.get(job["download_url"], headers=org)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    assert [len(p) for p in decode_qr_codes(download.content, scale=2.0)] == [4, 2]
    assert any(settings.pass_jobs_dir.glob("passes-*.pdf"))
    exhibitor = bearer(await make_user_token(session, Role.EXHIBITOR))
    assert (await client.get(job_url, headers=exhibitor)).status_code == 404


async def test_hostile_values_in_pass_endpoints_are_4xx(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = await _organiser(session)
    cases = [
        ("GET", f"/api/expos/{venue.expo_id}/passes?status=lost"),
        ("GET", f"/api/expos/{venue.expo_id}/passes/revocations?since=-1"),
        ("POST", f"/api/expos/{venue.expo_id}/passes/verify"),
        ("GET", "/api/passes/99999999"),
        ("GET", "/api/pass-batches/99999999/download"),
        ("PATCH", f"/api/expos/{venue.expo_id}/pass-kinds/nope"),
        ("PUT", "/api/bookings/99999999/staff-quota"),
        ("GET", "/api/visitor-passes/" + "x" * 300),
        ("GET", f"/api/expos/{venue.expo_id}/passes?q=a%00b"),
        ("POST", f"/api/expos/{venue.expo_id}/pass-kinds"),
    ]
    for method, path in cases:
        response = await client.request(method, path, headers=org, json={"quota": 1} if method == "PUT" else {})
        assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
    nul = {"kind": "press", "holder_name": "Ahmad", "email": "a\u0000b@contoh.id", "organisation": "X\u0000"}
    response = await client.post(f"/api/expos/{venue.expo_id}/passes", json=nul, headers=org)
    assert response.status_code == 422
    assert problem_fields(response.json()) == {"email", "organisation"}
    kind = {"code": "tamu", "name": "Tamu\u0000", "band_label": "TAMU"}
    assert (await client.post(f"/api/expos/{venue.expo_id}/pass-kinds", json=kind, headers=org)).status_code == 422
