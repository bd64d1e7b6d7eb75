"""Published sales figures are totals: a product category with fewer than three exhibitors is not
broken out, and since the grand total is published too, the smallest categories join "other" until
it gathers three, so no business's sales can be worked out by subtraction."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.sales import service as sales
from booths.sales.schemas import SaleEntry
from booths.venue import service as venue_service
from booths.venue.schemas import ClusterCreate
from expo.accounts import system_user
from tests.support.factories import expo_day, make_venue
from tests.support.sales import exhibitor_with_booth

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def test_small_categories_are_folded_into_other(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, booths=7)
    await venue_service.create_cluster(session, venue.expo_id, ClusterCreate(code="fesyen", name="Fesyen"))
    await venue_service.create_cluster(session, venue.expo_id, ClusterCreate(code="herbal", name="Herbal"))
    await session.commit()
    plan = [("kuliner", 100), ("kuliner", 200), ("kuliner", 300), ("fesyen", 1_000), ("fesyen", 2_000),
            ("fesyen", 3_000), ("herbal", 50_000)]  # fmt: skip
    for n, (cluster, cash) in enumerate(plan):
        exhibitor, _, _ = await exhibitor_with_booth(client, session, venue, n, cluster=cluster)
        assert exhibitor.id is not None
        entry = SaleEntry.model_validate({"day": expo_day(0), "cash": cash})
        await sales.enter_sales(session, system_user(), exhibitor.id, entry)
        await session.commit()  # the next sign-up is a request of its own
    shown = await sales.totals_by_category(session, venue.expo_id)
    # herbal (one business) is not shown alone; with kuliner, the smallest, it makes "other" of four
    assert [(c.category, c.exhibitors, c.sales) for c in shown] == [("fesyen", 3, 6_000), ("", 4, 50_600)]
    assert sum(c.sales for c in shown) == sum(cash for _, cash in plan)
    assert all(c.exhibitors >= sales.MIN_GROUP for c in shown)
