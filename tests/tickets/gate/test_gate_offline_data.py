"""What an offline scanner fetches, over HTTP on both engines: the gate context with every opening hour
the decision needs, and the pass list by change cursor (renames, revocations and reissues reach a
scanner that already has the pass; a change stamped early but committed late is not lost; paging
ends; bad cursors are 4xx problems, never 500)."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from tests.support.gate import gate_over_http
from tests.support.passes import Client
from tickets.gate.offline_data import OVERLAP
from tickets.passes.models import ExpoPass

pytestmark = pytest.mark.anyio

Headers = dict[str, str]


async def _issue(client: Client, expo_id: int, organiser: Headers, *names: str) -> list[int]:
    ids = []
    for name in names:
        issued = await client.post(
            f"/api/expos/{expo_id}/passes", json={"kind": "visitor", "holder_name": name}, headers=organiser
        )
        assert issued.status_code == 201, issued.text
        ids.append(int(issued.json()["id"]))
    return ids


async def _stamp(session: AsyncSession, ids: list[int], at: datetime) -> None:
    """Set ``updated_at`` as if the passes were last changed at ``at``."""
    await session.execute(sa.update(ExpoPass).where(col(ExpoPass.id).in_(ids)).values(updated_at=at))
    await session.commit()


async def _round(client: Client, device: Headers, cursor: str | None, limit: int = 5000) -> tuple[list[Any], str, int]:
    """One refresh as the scanner does it: pages until ``complete``; ``(passes, next cursor, pages)``."""
    passes: list[Any] = []
    for pages in range(1, 50):
        query = {"limit": str(limit)} | ({"cursor": cursor} if cursor is not None else {})
        response = await client.get("/api/gate/passes", params=query, headers=device)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["cursor"] == cursor
        passes += page["passes"]
        cursor = page["next_cursor"]
        assert cursor
        if page["complete"]:
            return passes, cursor, pages
    pytest.fail("paging did not end")


async def test_the_context_carries_every_opening_hour(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(client, session, opens_at="06:30", closes_at="21:00")
    press = await client.patch(
        f"/api/expos/{expo_id}/pass-kinds/press", json={"opens_at": "08:00", "closes_at": "17:30"}, headers=organiser
    )
    assert press.status_code == 200, press.text
    rule = await client.put(
        f"/api/expos/{expo_id}/pass-kinds/visitor/reentry", json={"reentry": "once"}, headers=organiser
    )
    assert rule.status_code == 200, rule.text

    response = await client.get("/api/gate/context", headers=device)
    assert response.status_code == 200, response.text
    context = response.json()
    assert (context["timezone"], context["gate"]["opens_at"], context["gate"]["closes_at"]) == (
        "Asia/Jakarta",
        "06:30:00",
        "21:00:00",
    )
    assert context["kinds"]["1"] == "exhibitor"  # the older number -> code map stays
    kinds = context["kind_rules"]
    assert {code: kind["number"] for code, kind in kinds.items()} == {
        code: int(number) for number, code in context["kinds"].items()
    }
    assert (kinds["press"]["opens_at"], kinds["press"]["closes_at"]) == ("08:00:00", "17:30:00")
    assert (kinds["visitor"]["opens_at"], kinds["visitor"]["closes_at"]) == (None, None)
    assert (kinds["exhibitor"]["opens_at"], kinds["exhibitor"]["closes_at"]) == ("07:00:00", "22:00:00")
    assert {code: kinds[code]["reentry"] for code in ("visitor", "exhibitor", "committee", "press")} == {
        "visitor": "once",
        "exhibitor": "any",
        "committee": "any",
        "press": "after_exit",
    }
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    assert context["days"] == [
        {"day": (today + timedelta(days=n)).isoformat(), "opens_at": "00:00:00", "closes_at": "23:59:59"}
        for n in (-1, 0, 1)
    ]


async def test_a_rename_reaches_a_scanner_that_has_the_pass(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    ids = await _issue(client, expo_id, organiser, "Siti Aminah", "Ahmad Dahlan", "Rina Wati")
    await _stamp(session, ids, datetime.now(UTC) - timedelta(hours=1))  # changed long ago: no overlap repeats

    first, cursor, _ = await _round(client, device, None)
    assert [p["holder_name"] for p in first] == ["Siti Aminah", "Ahmad Dahlan", "Rina Wati"]
    quiet, cursor, _ = await _round(client, device, cursor)
    assert quiet == []  # nothing changed: nothing is sent again

    renamed = await client.patch(f"/api/passes/{ids[1]}", json={"holder_name": "Ahmad Baru"}, headers=organiser)
    assert renamed.status_code == 200, renamed.text
    changed, cursor, _ = await _round(client, device, cursor)
    assert [(p["id"], p["holder_name"], p["active"]) for p in changed] == [(ids[1], "Ahmad Baru", True)]

    # Revoking and reissuing change the pass too: the scanner learns both, by pass id.
    await _stamp(session, ids, datetime.now(UTC) - timedelta(hours=1))
    quiet, cursor, _ = await _round(client, device, cursor)
    assert quiet == []
    old_serial = first[2]["serial"]
    assert (await client.post(f"/api/passes/{ids[2]}/reissue", headers=organiser)).status_code == 200
    assert (await client.post(f"/api/passes/{ids[0]}/revoke", json={}, headers=organiser)).status_code == 200
    changed, cursor, _ = await _round(client, device, cursor)
    by_id = {p["id"]: p for p in changed}
    assert sorted(by_id) == [ids[0], ids[2]]
    assert by_id[ids[0]]["active"] is False
    assert by_id[ids[2]]["serial"] != old_serial
    assert by_id[ids[2]]["code"] != first[2]["code"]


async def test_a_change_committed_late_is_not_lost(client: Client, session: AsyncSession) -> None:
    """A change is stamped before its transaction commits; one stamped earlier than passes already
    sent (but within the overlap) still arrives next round."""
    expo_id, organiser, device = await gate_over_http(client, session)
    ids = await _issue(client, expo_id, organiser, "Dewi Sartika", "Kartini")
    sent, cursor, _ = await _round(client, device, None)
    assert len(sent) == 2
    newest = max(datetime.fromisoformat(p["updated_at"]) for p in sent)
    # Stamped a little before the newest pass already sent, committed only now.
    late = newest - min(OVERLAP / 4, timedelta(seconds=20))
    await session.execute(
        sa.update(ExpoPass).where(col(ExpoPass.id) == ids[0]).values(holder_name="Dewi Telat", updated_at=late)
    )
    await session.commit()
    again, _, _ = await _round(client, device, cursor)
    assert "Dewi Telat" in [p["holder_name"] for p in again]


async def test_paging_ends_and_sends_every_pass_once(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    ids = await _issue(client, expo_id, organiser, *(f"Pengunjung {n}" for n in range(7)))
    # One timestamp for all (a batch import on a coarse clock): the id breaks the tie.
    await _stamp(session, ids, datetime.now(UTC) - timedelta(hours=1))
    sent, cursor, pages = await _round(client, device, None, limit=3)
    assert ([p["id"] for p in sent], pages) == (ids, 3)
    repeat, cursor, pages = await _round(client, device, cursor, limit=3)
    assert (repeat, pages) == ([], 1)

    # Recent changes come again within the overlap, and a round still ends.
    fresh = await _issue(client, expo_id, organiser, *(f"Tamu {n}" for n in range(4)))
    first, cursor, pages = await _round(client, device, cursor, limit=3)
    assert ([p["id"] for p in first], pages) == (fresh, 2)
    second, _, pages = await _round(client, device, cursor, limit=3)
    assert ([p["id"] for p in second], pages) == (fresh, 2)


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "abc"},
        {"cursor": ""},
        {"cursor": "12"},
        {"cursor": "12-"},
        {"cursor": "-3"},
        {"cursor": "1.5-3"},
        {"cursor": "12-3-4"},
        {"cursor": "１２-3"},  # fullwidth digits
        {"cursor": "12-99999999999"},
        {"cursor": "12-2147483648"},
        {"cursor": "123456789012345678-1"},
        {"cursor": "12-3\x00"},
        {"cursor": "1" * 41},
        {"limit": "0"},
        {"limit": "5001"},
    ],
)
async def test_bad_cursors_are_problems_not_500(client: Client, session: AsyncSession, query: dict[str, str]) -> None:
    _, _, device = await gate_over_http(client, session)
    response = await client.get("/api/gate/passes", params=query, headers=device)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] in {"bad_cursor", "invalid_input"}


async def test_far_cursors_are_answered(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    await _issue(client, expo_id, organiser, "Budi")
    for cursor in ("0-0", "99999999999999999-2147483647"):
        response = await client.get("/api/gate/passes", params={"cursor": cursor}, headers=device)
        assert response.status_code == 200, response.text
        assert len(response.json()["passes"]) == (1 if cursor == "0-0" else 0)
    assert (await client.get("/api/gate/passes", params={"cursor": "0-0"})).status_code == 401
