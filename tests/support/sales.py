"""What sales tests share: an exhibitor placed on a booth, with its account as the services see it."""

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings.models import PaymentMethod
from booths.bookings.schemas import PaymentIn
from booths.bookings.service import assign_booth
from booths.exhibitors.models import Exhibitor
from expo.accounts import CurrentUser, system_user
from expo.models import Role
from tests.support.factories import Venue, signup_exhibitor

Client = AsyncTestClient[Litestar]


async def exhibitor_with_booth(
    client: Client, session: AsyncSession, venue: Venue, booth: int = 0, **fields: Any
) -> tuple[Exhibitor, CurrentUser, str]:
    """A signed-up exhibitor the committee placed on a booth (confirmed, paid at the desk), its account
    as the services see it, and its log-in token for pages."""
    body, token = await signup_exhibitor(client, venue.expo_id, **fields)
    exhibitor = await session.get(Exhibitor, int(body["id"]), populate_existing=True)
    assert exhibitor is not None
    assert exhibitor.id is not None
    assert exhibitor.user_id is not None
    await assign_booth(
        session,
        venue.expo_id,
        venue.booth_ids[booth],
        exhibitor.id,
        system_user(),
        payment=PaymentIn(amount=1_500_000, method=PaymentMethod.CASH),
    )
    await session.commit()
    user = CurrentUser(id=exhibitor.user_id, email=exhibitor.email, name=exhibitor.name, role=Role.EXHIBITOR)
    return exhibitor, user, token
