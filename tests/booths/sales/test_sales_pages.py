"""Sales in pages: an exhibitor enters today's sales on its page (amounts as typed on a phone), a bad
amount is shown at its field, an exhibitor sees only its own figures, and the committee sees who is
missing and enters for an exhibitor at the desk; other roles and exhibitors get no committee page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.sales.models import DailySale, SaleSource
from expo.models import AuditEntry, CommitteeRole
from tests.support.factories import make_member_token, make_venue
from tests.support.pages import shown as t
from tests.support.passes import log_in_as, post_form
from tests.support.sales import exhibitor_with_booth

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


def today() -> str:
    return datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()


async def test_an_exhibitor_enters_todays_sales_and_sees_only_its_own(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, starts_on=datetime.now(ZoneInfo("Asia/Jakarta")).date())
    ayu, _, ayu_token = await exhibitor_with_booth(client, session, venue, 0, name="Keripik Ayu")
    _, _, bintang_token = await exhibitor_with_booth(client, session, venue, 1, name="Batik Bintang")
    log_in_as(client, ayu_token)
    opened = await client.get("/my-sales")
    assert opened.status_code == 200
    assert t("Cash sales (Rp)") in opened.text
    assert f'name="day" value="{today()}"' in opened.text

    refused = await post_form(
        client, "/my-sales", {"day": today(), "cash": "-5000", "transactions": "3"}, from_page="/my-sales"
    )
    assert refused.status_code == 422
    assert t("An amount cannot be below zero.") in refused.text
    assert 'value="-5000"' in refused.text  # the input is kept

    saved = await post_form(
        client,
        "/my-sales",
        {
            "day": today(),
            "cash": "Rp 1.250.000",
            "transfer": "730.000",
            "transactions": "41",
            "orders": "",
            "deal_party_1": "Toko Oleh-oleh Barokah",
            "deal_value_1": "5.000.000",
        },
        from_page="/my-sales",
    )
    assert saved.status_code == 303, saved.text
    sale = await session.scalar(sa.select(DailySale).where(col(DailySale.exhibitor_id) == ayu.id))
    assert sale is not None
    assert (sale.cash, sale.transfer, sale.transactions, sale.orders, sale.deals_value) == (
        1_250_000,
        730_000,
        41,
        0,
        5_000_000,
    )
    shown = await client.get(saved.headers["location"])
    assert t("Your sales for the day are saved. Thank you!") in shown.text
    assert "1.980.000" in shown.text  # cash and transfer together, in the figures table

    client.cookies.clear()
    log_in_as(client, bintang_token)
    other = await client.get("/my-sales")
    assert other.status_code == 200
    assert "1.980.000" not in other.text
    assert "Barokah" not in other.text
    assert t("No day entered yet.") in other.text
    # an exhibitor has no committee page
    assert (await client.get(f"/admin/e/{venue.expo.slug}/sales")).status_code == 403
    assert (await client.get(f"/admin/e/{venue.expo.slug}/sales/{ayu.id}")).status_code == 403


async def test_the_committee_sees_who_is_missing_and_enters_at_the_desk(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, starts_on=datetime.now(ZoneInfo("Asia/Jakarta")).date())
    slug = venue.expo.slug
    ayu, _, _ = await exhibitor_with_booth(client, session, venue, 0, name="Keripik Ayu")
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.GATE_STAFF))
    assert (await client.get(f"/admin/e/{slug}/sales")).status_code == 403
    client.cookies.clear()
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.REGISTRATION))
    overview = await client.get(f"/admin/e/{slug}/sales?day={today()}")
    assert overview.status_code == 200
    assert "Keripik Ayu" in overview.text
    assert t("Enter at the desk") in overview.text

    entry_page = f"/admin/e/{slug}/sales/{ayu.id}?day={today()}"
    saved = await post_form(
        client,
        f"/admin/e/{slug}/sales/{ayu.id}",
        {"day": today(), "cash": "400000", "transactions": "12"},
        from_page=entry_page,
    )
    assert saved.status_code == 303, saved.text
    sale = await session.scalar(sa.select(DailySale).where(col(DailySale.exhibitor_id) == ayu.id))
    assert sale is not None
    assert (sale.cash, sale.source) == (400_000, SaleSource.DESK)
    entered = await session.scalar(sa.select(AuditEntry).where(col(AuditEntry.action) == "sales.entered"))
    assert entered is not None
    overview = await client.get(f"/admin/e/{slug}/sales?day={today()}")
    assert t("Every exhibitor with a booth has reported this day.") in overview.text
    assert "400.000" in overview.text
    # a day outside the expo: shown at the form, not a server error
    outside = await post_form(
        client, f"/admin/e/{slug}/sales/{ayu.id}", {"day": "2001-01-01", "cash": "1"}, from_page=entry_page
    )
    assert outside.status_code == 422
    assert t("Choose a day of the expo.") in outside.text
