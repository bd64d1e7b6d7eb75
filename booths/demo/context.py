"""What the demo's seeding steps share: the session, the seeded generator, the organiser acting, the
packages and the booths still free, and the running receipt number."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings.models import PaymentMethod
from booths.bookings.schemas import PaymentIn
from booths.venue.models import Booth, BoothPackage
from expo.account_links import LinkSettings
from expo.accounts import CurrentUser
from expo.models import Role, User
from expo.security import Passwords

DEMO_BASE_URL = "http://127.0.0.1:8000"


def actor(user: User) -> CurrentUser:
    assert user.id is not None
    return CurrentUser(id=user.id, email=user.email, name=user.name, role=Role(user.role))


@dataclass
class Demo:
    """The state the seeding steps pass along (filled in as they run)."""

    session: AsyncSession
    passwords: Passwords
    rng: random.Random
    today: date
    expo_id: int = 0
    organiser: CurrentUser | None = None
    packages: dict[str, BoothPackage] = field(default_factory=dict)
    packages_by_id: dict[int | None, BoothPackage] = field(default_factory=dict)
    free: list[Booth] = field(default_factory=list)
    receipt: int = 0
    # Where the links in the demo's messages lead: the address `make run` serves at.
    links: LinkSettings = field(default_factory=lambda: LinkSettings(DEMO_BASE_URL))

    @property
    def org(self) -> CurrentUser:
        assert self.organiser is not None
        return self.organiser

    def booth(self, cluster: str | None, packages: Sequence[str] = ("standar", "tenda")) -> Booth:
        """A free booth of the cluster (any cluster when it is full), taken off the free list."""
        ids = {self.packages[p].id for p in packages}
        fitting = [b for b in self.free if b.package_id in ids]
        booth = self.rng.choice([b for b in fitting if b.cluster == cluster] or fitting)
        self.free.remove(booth)
        return booth

    def payment(self, amount: int, method: PaymentMethod) -> PaymentIn:
        self.receipt += 1
        reference = {
            "transfer": f"TRF/{20261000 + self.receipt}",
            "qris": f"QRIS-{self.rng.randrange(10**9, 10**10)}",
            "cash": f"KWT-{self.receipt:04d}",
        }.get(method, "")
        return PaymentIn(amount=amount, method=method, reference=reference)
