"""Staff passes bought as add-ons raise a booking's staff pass quota (booths counts them, tickets
adds them to the package's quota); a cancelled one lowers it again; an organiser's quota still wins."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing.addon_schemas import AddOnIn, AddOnOrderIn
from booths.billing.addons import cancel_order, create_addon, order_addon
from booths.billing.models import AddOnKind
from booths.exhibitors.models import Exhibitor
from expo.accounts import CurrentUser, system_user
from expo.models import Role
from tests.support.factories import make_venue
from tests.support.passes import Client, confirmed_exhibitor
from tickets.passes.issuing import staff_quotas

pytestmark = pytest.mark.anyio


async def test_bought_staff_passes_raise_the_quota(
    client: Client, session: AsyncSession, organiser: dict[str, str]
) -> None:
    venue = await make_venue(session)
    package_quota = venue.paid.staff_quota
    exhibitor_id, _token, booking_id = await confirmed_exhibitor(client, venue, organiser)
    addon = await create_addon(
        session,
        venue.expo_id,
        AddOnIn(code="kartu", kind=AddOnKind.STAFF_PASS, name="Kartu petugas", price=40_000, max_quantity=5),
        system_user(),
    )
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    assert exhibitor is not None
    assert exhibitor.user_id is not None
    me = CurrentUser(id=exhibitor.user_id, email="", name="", role=Role.EXHIBITOR)
    addon_id = addon.id or 0
    order = await order_addon(session, booking_id, AddOnOrderIn(addon_id=addon_id, quantity=2), me)
    order_id = order.id or 0
    await session.commit()
    [quota] = await staff_quotas(session, exhibitor_id)
    assert (quota.package_quota, quota.quota) == (package_quota + 2, package_quota + 2)

    await cancel_order(session, order_id, me)
    await session.commit()
    [quota] = await staff_quotas(session, exhibitor_id)
    assert quota.quota == package_quota

    await order_addon(session, booking_id, AddOnOrderIn(addon_id=addon_id, quantity=1), me)
    await session.commit()
    response = await client.put(f"/api/bookings/{booking_id}/staff-quota", json={"quota": 1}, headers=organiser)
    assert response.status_code == 200, response.text
    [quota] = await staff_quotas(session, exhibitor_id)
    assert (quota.package_quota, quota.quota) == (package_quota + 1, 1)
