"""Statuses, reasons and actions are StrEnums the OpenAPI lists, and small answers are typed models:
a client learns every value from the schema instead of from reading the code."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from booths.allocation.models import FairnessBy, RunStatus
from booths.bookings.models import BookingAction, BookingStatus, PaymentMethod
from tickets.gate.models import ScanReason, ScanStatus
from tickets.passes.models import JobStatus, PassAction, PassStatus

pytestmark = pytest.mark.anyio


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    options = [o for o in schema.get("oneOf", schema.get("anyOf", [])) if o.get("type") != "null"]
    return _resolve(options[0], root) if len(options) == 1 else schema


def _values(root: dict[str, Any], model: str, field: str) -> list[str]:
    schema = _resolve(root["components"]["schemas"][model]["properties"][field], root)
    return sorted(schema["enum"])


@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        ("RunSummary", "status", RunStatus),
        ("BookingEventRead", "action", BookingAction),
        ("BookingEventRead", "from_status", BookingStatus),
        ("ScanResult", "status", ScanStatus),
        ("ScanResult", "reason", ScanReason),
        ("RecentScan", "reason", ScanReason),
        ("PassEventRead", "action", PassAction),
        ("PassRead", "status", PassStatus),
        ("JobRead", "status", JobStatus),
        ("BookingRead", "payment_method", PaymentMethod),
        ("AllocationSettingsRead", "fairness_by", FairnessBy),
    ],
)
async def test_the_openapi_lists_the_values(
    client: AsyncTestClient[Litestar], model: str, field: str, values: type[Any]
) -> None:
    root = (await client.get("/schema/openapi.json")).json()
    assert _values(root, model, field) == sorted(v.value for v in values)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/expos/{expo_id}/checkins/reset", "deleted_scans"),
        ("/api/expos/{expo_id}/features/import", "features"),
    ],
)
async def test_small_answers_are_typed(client: AsyncTestClient[Litestar], path: str, field: str) -> None:
    root = (await client.get("/schema/openapi.json")).json()
    operation = root["paths"][path]["post"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert _resolve(answer, root)["properties"][field]["type"] == "integer"
