"""Every moment the API answers is an aware UTC timestamp written with ``Z``, on both engines; opening
hours are times of day; errors are documented as problem details in the OpenAPI."""

import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.models import Role
from expo.timestamps import utc_z
from tests.support.factories import bearer, make_user_token, make_venue, signup_exhibitor
from tests.support.gate import gate_over_http, nonce, now_iso, pass_over_http
from tests.support.passes import Client

pytestmark = pytest.mark.anyio

ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Operations that answer a file, not JSON, or need an id this world does not make.
SKIP = re.compile(r"\.(csv|pdf|png)$|/download$|\{(job_id|application_id|run_id|batch_id)\}")


def test_utc_z() -> None:
    naive = datetime(2026, 10, 21, 3, 0, tzinfo=UTC).replace(tzinfo=None)  # as SQLite gives it back
    assert utc_z(naive) == "2026-10-21T03:00:00Z"
    assert utc_z(datetime(2026, 10, 21, 10, 0, 5, 120, tzinfo=UTC)) == "2026-10-21T10:00:05.000120Z"
    wib = datetime.fromisoformat("2026-10-21T10:00:00+07:00")
    assert utc_z(wib) == "2026-10-21T03:00:00Z"


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _documented_moments(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> list[tuple[str, str]]:
    """(place, value) of every value the response schema calls a date-time."""
    schema = _resolve(schema, root)
    found: list[tuple[str, str]] = []
    for option in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
        found += _documented_moments(value, option, root, where)
    if schema.get("format") == "date-time" and isinstance(value, str):
        found.append((where, value))
    if isinstance(value, dict):
        for key, item in value.items():
            sub = schema.get("properties", {}).get(key) or schema.get("additionalProperties")
            if isinstance(sub, dict):
                found += _documented_moments(item, sub, root, f"{where}.{key}")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            found += _documented_moments(item, schema["items"], root, f"{where}[{i}]")
    return found


def _all_strings(value: Any, where: str) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _all_strings(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _all_strings(v, f"{where}[{i}]")]
    return [(where, value)] if isinstance(value, str) else []


async def _world(client: Client, session: AsyncSession) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Bookings, passes (one revoked), a paired phone with scans, a visitor: every kind of moment."""
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    v = await make_venue(session)
    exhibitor, token = await signup_exhibitor(client, v.expo_id)
    held = await client.post(f"/api/booths/{v.booth_ids[0]}/hold", headers=bearer(token))
    assert held.status_code == 201, held.text
    expo_id, gate_organiser, device = await gate_over_http(client, session)
    for name in ("Ani", "Budi"):
        body = {"text": await pass_over_http(client, expo_id, gate_organiser, name), "direction": "entry"}
        scanned = await client.post(
            "/api/gate/scans", json=body | {"client_scan_id": nonce(), "scanned_at": now_iso()}, headers=device
        )
        assert scanned.status_code == 200, scanned.text
        assert scanned.json()["received_at"].endswith("Z"), scanned.text
    passes = (await client.get(f"/api/expos/{expo_id}/passes", headers=gate_organiser)).json()
    first = passes[0] if isinstance(passes, list) else passes["items"][0]
    revoked = await client.post(f"/api/passes/{first['id']}/revoke", json={"reason": "hilang"}, headers=gate_organiser)
    assert revoked.status_code == 200, revoked.text
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    visitor = await client.post(
        f"/api/expos/{expo_id}/visitors",
        json={"holder_name": "Citra Fiktif", "regency": "Jombang", "category": "santri", "days": [today]},
    )
    assert visitor.status_code == 201, visitor.text
    secret = visitor.json()["access_url"].removeprefix("/p/")
    gates = (await client.get(f"/api/expos/{expo_id}/gates", headers=gate_organiser)).json()
    ids = {
        "expo_id": str(expo_id),
        "booking_id": str(held.json()["id"]),
        "pass_id": str(first["id"]),
        "gate_id": str(gates[0]["id"]),
        "exhibitor_id": str(exhibitor["id"]),
        "booth_id": str(v.booth_ids[0]),
        "secret": secret,
    }
    # Booth-side operations need the venue's expo, gate-side the gate's: try both where it matters.
    ids["venue_expo_id"] = str(v.expo_id)
    return ids, organiser | {"X-Gate-Org": gate_organiser["Authorization"]}, device | {"X-Exhibitor": token}


async def test_every_moment_in_the_api_ends_with_z(client: Client, session: AsyncSession) -> None:
    ids, organiser, device = await _world(client, session)
    gate_organiser = {"Authorization": organiser.pop("X-Gate-Org")}
    exhibitor = bearer(device.pop("X-Exhibitor"))
    root = (await client.get("/schema/openapi.json")).json()
    moments: list[tuple[str, str]] = []
    called = 0
    for path, item in root["paths"].items():
        op = item.get("get")
        if op is None or SKIP.search(path) or not path.startswith("/api"):
            continue
        success = _resolve(
            op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {}), root
        )
        for expo_key in ("venue_expo_id", "expo_id") if "{expo_id}" in path else ("expo_id",):
            concrete = path.replace("{expo_id}", ids[expo_key])
            concrete = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], concrete)
            for headers in (organiser, gate_organiser, device, exhibitor):
                response = await client.get(concrete, headers=headers)
                if response.status_code != 200 or "json" not in response.headers.get("content-type", ""):
                    continue
                called += 1
                body = response.json()
                documented = _documented_moments(body, success, root, concrete)
                moments += documented
                # Also moments the schema does not describe (dicts, events): anything that looks like one.
                moments += [(w, s) for w, s in _all_strings(body, concrete) if ISO_MOMENT.match(s)]
    assert called >= 30
    places = {w.split(".")[-1].split("[")[0] for w, _ in moments}
    assert {"held_at", "revoked_at", "scanned_at", "issued_at", "created_at", "updated_at"} <= places, places
    naive = sorted({f"{w} = {s}" for w, s in moments if not s.endswith("Z")})
    assert naive == [], "\n".join(naive[:40])


async def test_opening_hours_are_times_of_day_and_errors_are_problem_details(client: Client) -> None:
    root = (await client.get("/schema/openapi.json")).json()
    text = json.dumps(root)
    assert '"format": "duration"' not in text
    assert root["components"]["schemas"]["ExpoCreate"]["properties"]["opens_at"]["format"] == "time"
    problem = root["components"]["schemas"]["ProblemDetails"]
    assert {"type", "title", "status", "code", "detail", "errors"} <= set(problem["properties"])
    operations = [
        (path, method, op)
        for path, item in root["paths"].items()
        if path.startswith("/api")
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 50
    for path, method, op in operations:
        for status in ("400", "401", "404", "422", "503"):
            content = op["responses"][status]["content"]
            assert content["application/problem+json"]["schema"]["$ref"].endswith("/ProblemDetails"), (path, method)
        if method in {"post", "put", "patch"}:
            assert {"413", "415"} <= set(op["responses"]), (path, method)
    login = root["paths"]["/api/auth/login"]["post"]["responses"]
    assert "429" in login
