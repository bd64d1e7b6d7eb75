"""An exhibitor's products: list, add, edit, delete, reorder, and the photo of each.

Every function takes the id of the exhibitor asking (the caller found it from the account,
``profile.own_exhibitor``), and a product of another exhibitor is answered as missing: an exhibitor
can neither see nor change another's products, nor learn that they exist. Photos' files are written
and deleted by the caller through ``pictures.py``; here a row only points at them.
"""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.catalogue.models import Product
from booths.catalogue.schemas import ProductIn
from booths.exhibitors.models import Exhibitor
from expo.errors import Conflict, NotFound
from expo.formatting import utcnow

# Enough for a whole stall's range; a longer list is a price list, not a catalogue page.
MAX_PRODUCTS = 50


async def products_of(session: AsyncSession, exhibitor_id: int) -> list[Product]:
    """The exhibitor's products in its own order."""
    stmt = (
        sa.select(Product)
        .where(col(Product.exhibitor_id) == exhibitor_id)
        .order_by(col(Product.position), col(Product.id))
    )
    return list((await session.scalars(stmt)).all())


async def own_product(session: AsyncSession, exhibitor_id: int, product_id: int) -> Product:
    """The exhibitor's product; another's (or none) is 404 ``product_not_found``."""
    product = await session.get(Product, product_id)
    if product is None or product.exhibitor_id != exhibitor_id:
        raise NotFound("There is no such product.", code="product_not_found")
    return product


async def _lock_exhibitor(session: AsyncSession, exhibitor_id: int) -> None:
    """Serialise one exhibitor's list changes (the limit and the order) on PostgreSQL; SQLite has one
    writer at a time already. The booking services bump the same column for the same reason."""
    await session.execute(
        sa.update(Exhibitor)
        .where(col(Exhibitor.id) == exhibitor_id)
        .values(lock_version=col(Exhibitor.lock_version) + 1)
        .execution_options(synchronize_session=False)
    )


async def check_room(session: AsyncSession, exhibitor_id: int) -> None:
    """409 ``too_many_products`` when the exhibitor already shows ``MAX_PRODUCTS`` (asked before a
    photo is decoded, and again under the lock when adding)."""
    total = await session.scalar(sa.select(sa.func.count()).where(col(Product.exhibitor_id) == exhibitor_id))
    if int(total or 0) >= MAX_PRODUCTS:
        raise Conflict(
            "You can show at most %(max)s products. Delete one to add another.",
            code="too_many_products",
            params={"max": MAX_PRODUCTS},
        )


async def add_product(
    session: AsyncSession, exhibitor: Exhibitor, data: ProductIn, photo_key: str | None = None
) -> Product:
    """A new product at the end of the exhibitor's list."""
    assert exhibitor.id is not None
    await _lock_exhibitor(session, exhibitor.id)
    await check_room(session, exhibitor.id)
    last = await session.scalar(
        sa.select(sa.func.max(Product.position)).where(col(Product.exhibitor_id) == exhibitor.id)
    )
    product = Product(
        expo_id=exhibitor.expo_id,
        exhibitor_id=exhibitor.id,
        photo_key=photo_key,
        position=(last + 1) if last is not None else 0,
        **data.model_dump(),
    )
    session.add(product)
    await session.flush()
    return product


async def update_product(session: AsyncSession, exhibitor_id: int, product_id: int, data: ProductIn) -> Product:
    """Write a product's texts and prices (its photo and place stay)."""
    product = await own_product(session, exhibitor_id, product_id)
    for name, value in data.model_dump().items():
        setattr(product, name, value)
    product.updated_at = utcnow()
    await session.flush()
    return product


async def set_photo(session: AsyncSession, exhibitor_id: int, product_id: int, key: str | None) -> str | None:
    """Point the product at a stored photo (``None``: no photo); returns the key it replaced, whose
    files the caller deletes once this is committed."""
    product = await own_product(session, exhibitor_id, product_id)
    old = product.photo_key
    product.photo_key = key
    product.updated_at = utcnow()
    await session.flush()
    return old if old != key else None


async def delete_product(session: AsyncSession, exhibitor_id: int, product_id: int) -> str | None:
    """Remove the product; returns its photo's key for the caller to delete once committed."""
    product = await own_product(session, exhibitor_id, product_id)
    key = product.photo_key
    await session.delete(product)
    await session.flush()
    return key


async def move_product(session: AsyncSession, exhibitor_id: int, product_id: int, *, up: bool) -> None:
    """Swap the product with its neighbour above (``up``) or below; at the end of the list nothing
    moves. The whole list is numbered 0..n-1 again, so gaps and ties left by deletions vanish."""
    await own_product(session, exhibitor_id, product_id)
    await _lock_exhibitor(session, exhibitor_id)
    products = await products_of(session, exhibitor_id)
    index = next(i for i, p in enumerate(products) if p.id == product_id)
    other = index - 1 if up else index + 1
    if 0 <= other < len(products):
        products[index], products[other] = products[other], products[index]
    for position, product in enumerate(products):
        if product.position != position:
            product.position = position
    await session.flush()
