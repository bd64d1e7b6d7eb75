"""The expo dashboard: today's gate and sales figures beside yesterday's, sales so far, and who has
not reported today; for the committee's report roles only."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.sales import service as sales
from booths.sales.schemas import SaleEntry
from expo.accounts import system_user
from expo.models import CommitteeRole
from expo.settings import Settings
from tests.support.factories import make_member_token, make_venue
from tests.support.gate import GateWorld, issue, organiser_user, paired_device, scan_row
from tests.support.pages import shown as t
from tests.support.passes import log_in_as
from tests.support.sales import exhibitor_with_booth
from tickets.reports.dashboard import dashboard
from tickets.signing.keys import load_keys

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
JAKARTA = ZoneInfo("Asia/Jakarta")


async def test_today_beside_yesterday_and_who_has_not_reported(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    today = datetime.now(JAKARTA).date()
    venue = await make_venue(session, starts_on=today - timedelta(days=1))
    organiser = await organiser_user(session)
    device, _ = await paired_device(session, venue.expo_id, organiser, "Gerbang Utama")
    world = GateWorld(venue=venue, organiser=organiser, keys=load_keys(settings.signing_key_file), device=device)
    ayu, _, _ = await exhibitor_with_booth(client, session, venue, 0, name="Keripik Ayu")
    await exhibitor_with_booth(client, session, venue, 1, name="Batik Bintang")
    assert ayu.id is not None
    for day, cash in ((today - timedelta(days=1), 300_000), (today, 450_000)):
        entry = SaleEntry.model_validate({"day": day, "cash": cash})
        await sales.enter_sales(session, system_user(), ayu.id, entry)
    visitor, _ = await issue(session, world, days=[today], name="Tamu")
    session.add(scan_row(device, visitor, datetime.combine(today, time(0, 1), JAKARTA).astimezone(UTC)))
    await session.commit()

    board = await dashboard(session, venue.expo_id, today)
    assert (board.today.entries, board.today.visitors, board.today.sales, board.today.reported) == (1, 1, 450_000, 1)
    assert (board.yesterday.entries, board.yesterday.sales) == (0, 300_000)
    assert board.sales_so_far == 750_000
    assert [e.name for e in board.missing_today] == ["Batik Bintang"]
    assert board.exhibitors == 2

    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    page = await client.get(f"/admin/e/{venue.expo.slug}/dashboard")
    assert page.status_code == 200
    assert "Rp750.000" in page.text
    assert "Batik Bintang" in page.text
    assert t("Expo dashboard") in page.text
    client.cookies.clear()
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.GATE_STAFF))
    assert (await client.get(f"/admin/e/{venue.expo.slug}/dashboard")).status_code == 403
