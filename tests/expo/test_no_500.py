"""No input makes a 500: every operation in the OpenAPI schema gets hostile input and must answer 4xx.

A small, deterministic fuzzer: for each path and method it tries wrong path values, malformed and
oversized bodies, wrong types for every declared body field, and hostile query values, as an
organiser (who may reach every handler) and anonymously.
"""

import itertools
import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from expo.models import Role
from tests.support.factories import bearer, make_user_token, make_venue

pytestmark = pytest.mark.anyio

HOSTILE_VALUES: list[Any] = [
    None,
    "",
    "x" * 5000,
    -1,
    0,
    2**63,
    1.5e300,
    "١٢٣",
    "'; DROP TABLE booth;--",
    [],
    {},
    True,
    "\u0000",
    "2026-13-45",
    "../../etc/passwd",
]
PATH_VALUES = ["-1", "99999999", "abc", "9" * 30]


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method.upper(), op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "patch", "put", "delete"}
    ]


def _body_fields(schema: dict[str, Any], op: dict[str, Any]) -> list[str]:
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    component = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    return list(component.get("properties", {}))


async def test_hostile_input_never_makes_a_500(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    v = await make_venue(session)
    headers = bearer(await make_user_token(session, Role.ORGANISER))
    schema = (await client.get("/schema/openapi.json")).json()
    failures: list[str] = []
    checked = 0
    for path, method, op in _operations(schema):
        concrete_paths = {re.sub(r"\{[^}]+\}", str(v.booth_ids[0]) if "booth" in path else str(v.expo_id), path)}
        concrete_paths |= {re.sub(r"\{[^}]+\}", value, path) for value in PATH_VALUES if "{" in path}
        fields = _body_fields(schema, op)
        bodies: list[Any] = [None, b"{not json", b"\xff\xfe\x00", b"[]", b"1" * 100_000, b'{"amount": 1e999}']
        bodies += [{field: value} for field, value in itertools.product(fields, HOSTILE_VALUES[1:4])]
        bodies += [dict.fromkeys(fields, value) for value in HOSTILE_VALUES]
        cases = [(p, b, headers) for p in sorted(concrete_paths)[:1] for b in bodies]
        cases += [(p, None, a) for p in sorted(concrete_paths) for a in (headers, {})]
        for concrete, body, auth in cases:
            if method == "GET" and body is not None:
                continue
            kwargs: dict[str, Any] = {"headers": dict(auth)}
            if isinstance(body, bytes):
                kwargs["content"] = body
                kwargs["headers"]["content-type"] = "application/json"
            elif body is not None:
                kwargs["json"] = body
            response = await client.request(method, concrete, **kwargs)
            checked += 1
            if response.status_code >= 500:
                failures.append(
                    f"{method} {concrete} {str(body)[:80]!r} -> {response.status_code} {response.text[:200]}"
                )
    for query in [
        "status=bogus",
        "hall_id=abc",
        "limit=-5",
        "limit=99999999999999999999",
        "q=" + "x" * 5000,
        "cluster=%00",
    ]:
        for path in (
            f"/api/expos/{v.expo_id}/booths",
            f"/api/expos/{v.expo_id}/bookings",
            f"/api/expos/{v.expo_id}/exhibitors",
        ):
            response = await client.get(f"{path}?{query}", headers=headers)
            checked += 1
            if response.status_code >= 500:
                failures.append(f"GET {path}?{query[:40]} -> {response.status_code}")
    assert checked > 300
    assert failures == []
