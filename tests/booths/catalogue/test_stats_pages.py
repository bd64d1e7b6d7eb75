"""Catalogue statistics through the pages: an exhibitor sees its own views, sign scans and leads per
expo day with their totals (and never another exhibitor's), organisers see the sums per day and the
top exhibitors, and download every exhibitor's days as CSV; roles without reports get none of it."""

import csv
import io

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.catalogue import stats
from booths.catalogue.models import StatKind
from expo.models import CommitteeRole
from tests.support.factories import expo_day, make_member_token, make_venue
from tests.support.pages import shown as t
from tests.support.passes import log_in_as
from tests.support.sales import exhibitor_with_booth

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


def _day_block(page: str, day: str) -> str:
    """The per-day entry of ``day`` on a statistics page."""
    return page.split(f'data-day="{day}"')[1].split("</li>", maxsplit=1)[0]


def _numbers(block: str) -> list[int]:
    return [int(part.split("<")[0]) for part in block.split('class="stat-num">')[1:]]


async def _counted(
    session: AsyncSession, expo_id: int, exhibitor_id: int, day: int, views: int, scans: int, leads: int
) -> None:
    for kind, by in ((StatKind.PROFILE_VIEW, views), (StatKind.SIGN_SCAN, scans), (StatKind.LEAD, leads)):
        if by:
            await stats.count(session, expo_id, exhibitor_id, kind, expo_day(day), by)


async def test_an_exhibitor_sees_its_own_figures_per_day_and_in_total(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    ayu, _, ayu_token = await exhibitor_with_booth(client, session, venue, 0, name="Keripik Ayu")
    bintang, _, bintang_token = await exhibitor_with_booth(client, session, venue, 1, name="Batik Bintang")
    assert ayu.id is not None
    assert bintang.id is not None
    await _counted(session, venue.expo_id, ayu.id, 0, views=40, scans=12, leads=3)
    await _counted(session, venue.expo_id, ayu.id, 2, views=10, scans=0, leads=1)
    await _counted(session, venue.expo_id, ayu.id, -3, views=5, scans=0, leads=0)  # before the expo opened
    await _counted(session, venue.expo_id, bintang.id, 0, views=977, scans=555, leads=333)
    await session.commit()

    log_in_as(client, ayu_token)
    page = await client.get("/my-stats")
    assert page.status_code == 200
    assert t("My statistics") in page.text
    assert 'data-total="views">55<' in page.text
    assert 'data-total="scans">12<' in page.text
    assert 'data-total="leads">4<' in page.text
    first = _day_block(page.text, expo_day(0).isoformat())
    assert _numbers(first) == [40, 12, 3]
    assert 'style="width: 100%"' in first  # its best day fills the bars
    assert _numbers(_day_block(page.text, expo_day(1).isoformat())) == [0, 0, 0]  # an expo day with nothing
    assert _numbers(_day_block(page.text, expo_day(2).isoformat())) == [10, 0, 1]
    before = _day_block(page.text, expo_day(-3).isoformat())
    assert t("(not an expo day)") in before
    assert ">977<" not in page.text  # another exhibitor's figures never show (as a figure: a random token may hold 977)

    client.cookies.clear()
    log_in_as(client, bintang_token)
    theirs = await client.get("/my-stats")
    assert 'data-total="views">977<' in theirs.text
    assert _numbers(_day_block(theirs.text, expo_day(2).isoformat())) == [0, 0, 0]


async def test_organisers_see_the_sums_the_top_lists_and_download_the_csv(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    ayu, _, _ = await exhibitor_with_booth(client, session, venue, 0, name="Keripik Ayu", regency="Kediri")
    bintang, _, _ = await exhibitor_with_booth(client, session, venue, 1, name="Batik Bintang", regency="Tuban")
    quiet, _, _ = await exhibitor_with_booth(client, session, venue, 2, name="Kopi Sunyi")
    assert ayu.id is not None
    assert bintang.id is not None
    assert quiet.id is not None
    await _counted(session, venue.expo_id, ayu.id, 0, views=40, scans=12, leads=1)
    await _counted(session, venue.expo_id, bintang.id, 0, views=7, scans=2, leads=9)
    await _counted(session, venue.expo_id, bintang.id, 1, views=3, scans=0, leads=2)
    other = await make_venue(session)
    await session.commit()
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))  # reports area

    page = await client.get(f"/admin/e/{venue.expo.slug}/catalogue-stats")
    assert page.status_code == 200
    assert 'data-section="catalogue_stats" aria-current="page"' in page.text
    assert 'data-total="views">50<' in page.text
    assert 'data-total="leads">12<' in page.text
    assert _numbers(_day_block(page.text, expo_day(0).isoformat())) == [47, 14, 10]
    assert _numbers(_day_block(page.text, expo_day(1).isoformat())) == [3, 0, 2]
    by_views = page.text.split('data-top="views">')[1].split("</ol>")[0]
    assert by_views.index("Keripik Ayu") < by_views.index("Batik Bintang")
    assert "Kopi Sunyi" not in by_views  # nobody viewed it: not a "top" exhibitor
    by_leads = page.text.split('data-top="leads">')[1].split("</ol>")[0]
    assert by_leads.index("Batik Bintang") < by_leads.index("Keripik Ayu")

    download = await client.get(f"/admin/e/{venue.expo.slug}/catalogue-stats.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == [t("Day"), t("Exhibitor"), t("Regency"), t("Profile views"), t("Sign scans"), t("Leads")]
    assert rows[1:] == [
        [expo_day(0).isoformat(), "Batik Bintang", "Tuban", "7", "2", "9"],
        [expo_day(0).isoformat(), "Keripik Ayu", "Kediri", "40", "12", "1"],
        [expo_day(1).isoformat(), "Batik Bintang", "Tuban", "3", "0", "2"],
    ]

    # Another expo's figures are its own: nothing of this expo shows there.
    empty = await client.get(f"/admin/e/{other.expo.slug}/catalogue-stats")
    assert empty.status_code == 403  # the treasurer serves only this expo
    log_in_as(client, await make_member_token(session, other.expo_id, CommitteeRole.ORGANISER))
    theirs = await client.get(f"/admin/e/{other.expo.slug}/catalogue-stats")
    assert theirs.status_code == 200
    assert "Keripik Ayu" not in theirs.text
    assert t("No profile has been viewed yet.") in theirs.text


async def test_roles_without_reports_and_exhibitors_get_no_organiser_statistics(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    _, _, token = await exhibitor_with_booth(client, session, venue, 0)
    paths = (f"/admin/e/{venue.expo.slug}/catalogue-stats", f"/admin/e/{venue.expo.slug}/catalogue-stats.csv")
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.GATE_LEAD))
    for path in paths:
        assert (await client.get(path)).status_code == 403, path
    client.cookies.clear()
    log_in_as(client, token)
    for path in paths:
        assert (await client.get(path)).status_code == 403, path
    client.cookies.clear()
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    assert (await client.get("/my-stats")).status_code == 403  # an exhibitor's page
