"""The demo's catalogue: every pesantren, koperasi and UMKM exhibitor has a profile and 3-8 products
with pictures in storage, and products named for the searches people try (kopi, batik, kitab)."""

from collections import Counter

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.catalogue.images import variant_key
from booths.catalogue.models import ExhibitorProfile, Product
from booths.demo.expo import seed_demo
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from expo.security import Passwords
from expo.settings import Settings
from expo.storage import storage_from_settings
from tests.support.catalogue_editing import variants_present

pytestmark = pytest.mark.anyio

CHEAP = Passwords(time_cost=1, memory_kib=64)


async def test_demo_exhibitors_have_profiles_and_products_with_pictures(
    session: AsyncSession, settings: Settings
) -> None:
    storage = storage_from_settings(settings)
    counts = await seed_demo(session, CHEAP, storage=storage)
    trading = (
        await session.scalars(
            sa.select(Exhibitor).where(
                col(Exhibitor.exhibitor_class).in_(
                    [ExhibitorClass.PESANTREN, ExhibitorClass.KOPERASI, ExhibitorClass.UMKM]
                )
            )
        )
    ).all()
    profiles = (await session.scalars(sa.select(ExhibitorProfile))).all()
    assert {p.exhibitor_id for p in profiles} == {e.id for e in trading}
    assert counts["profiles"] == len(trading)
    assert all(p.logo_key and p.order_whatsapp and p.order_whatsapp.startswith("62") for p in profiles)

    listed = (await session.scalars(sa.select(Product))).all()
    assert counts["products"] == len(listed)
    per_exhibitor = Counter(p.exhibitor_id for p in listed)
    assert all(3 <= per_exhibitor[e.id] <= 8 for e in trading)
    for word in ("kopi", "batik", "kitab"):
        assert any(word in p.name.lower() for p in listed), word
    assert all(p.photo_key for p in listed)
    sample = listed[0].photo_key
    assert sample
    assert await variants_present(storage, sample) == [True] * 6
    assert await storage.exists(variant_key(profiles[0].logo_key or "", 160, "webp"))
