"""The demo's catalogue: every pesantren, koperasi and UMKM exhibitor gets a profile (story, order
number, shop links, an opening promotion) and 3-8 products of its cluster, through the catalogue's
services. With a storage, each logo and product photo is a picture drawn here (a coloured tile with
the initials) and stored through ``pictures.py`` like an upload; without one (the tests' seed) the
rows have no pictures. Products are chosen so that searching "kopi", "batik" or "kitab" finds some."""

import io
import random

import sqlalchemy as sa
from PIL import Image, ImageDraw, ImageFont
from sqlmodel import col

from booths.catalogue import pictures, products, profile
from booths.catalogue.schemas import ProductIn, ProfileIn
from booths.demo.context import Demo
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from expo.storage import Storage

SEED = 16  # its own generator: the steps before it draw the same numbers with or without it
TILE = 160  # pixels: the smallest size, so one encoding serves every variant (a demo seeds fast)
# name, lowest price, highest price (None: one price), unit, stock note, halal, P-IRT
_Item = tuple[str, int | None, int | None, str, str, bool, bool]
_CATALOGUE: dict[str, tuple[_Item, ...]] = {
    "kuliner": (
        ("Kopi Robusta Wonosalam", 35_000, 60_000, "bungkus 250 g", "Siap di stan", True, True),
        ("Kopi Arabika Ijen", 55_000, None, "bungkus 200 g", "Siap di stan", True, True),
        ("Keripik Tempe Original", 12_000, None, "bungkus", "Siap di stan", True, True),
        ("Sambal Pecel Khas Jombang", 15_000, 25_000, "toples", "Siap di stan", True, True),
        ("Madu Klanceng Murni", 85_000, None, "botol 250 ml", "Stok terbatas", True, True),
        ("Dodol Nangka", 20_000, None, "kotak", "Siap di stan", True, True),
        ("Kerupuk Ikan Tenggiri", 18_000, None, "bungkus 250 g", "Siap di stan", True, True),
        ("Kopi Susu Gula Aren Botolan", 15_000, None, "botol", "Dibuat di stan", True, False),
    ),
    "fashion": (
        ("Batik Tulis Motif Kawung", 250_000, 450_000, "lembar", "Siap di stan", False, False),
        ("Batik Cap Santri", 120_000, None, "lembar", "Siap di stan", False, False),
        ("Sarung Tenun Gresik", 175_000, 300_000, "lembar", "Siap di stan", False, False),
        ("Kemeja Batik Pria", 165_000, None, "potong", "Ukuran S-XXL", False, False),
        ("Kopiah Rajut", 35_000, None, "buah", "Siap di stan", False, False),
        ("Mukena Bordir", 150_000, 220_000, "set", "Pesan 3 hari", False, False),
    ),
    "kerajinan": (
        ("Tasbih Kayu Kokka", 25_000, 75_000, "buah", "Siap di stan", False, False),
        ("Kaligrafi Ukir Jati", 350_000, 1_200_000, "buah", "Pesan 2 minggu", False, False),
        ("Rak Kitab Lipat", 95_000, None, "buah", "Siap di stan", False, False),
        ("Anyaman Pandan", 30_000, 60_000, "buah", "Siap di stan", False, False),
        ("Tas Eceng Gondok", 85_000, None, "buah", "Siap di stan", False, False),
        ("Sandal Santri Batik", 45_000, None, "pasang", "Ukuran 38-44", False, False),
    ),
    "herbal": (
        ("Jamu Instan Temulawak", 20_000, None, "toples 200 g", "Siap di stan", True, True),
        ("Minyak Herbal Sereh", 25_000, None, "botol 30 ml", "Siap di stan", True, True),
        ("Sabun Sereh Alami", 12_000, None, "batang", "Siap di stan", True, True),
        ("Kapsul Habbatussauda", 45_000, None, "botol isi 100", "Siap di stan", True, True),
        ("Kopi Jahe Rempah", 18_000, None, "bungkus", "Siap di stan", True, True),
    ),
    "agribisnis": (
        ("Beras Organik Pandan Wangi", 75_000, None, "karung 5 kg", "Siap di stan", False, False),
        ("Bibit Kelengkeng", 35_000, 80_000, "polybag", "Siap di stan", False, False),
        ("Jamur Tiram Segar", 15_000, None, "kg", "Panen tiap pagi", False, False),
        ("Kopi Biji Hijau Petani", 60_000, None, "kg", "Siap di stan", False, False),
        ("Sayur Hidroponik", 10_000, None, "ikat", "Panen tiap pagi", False, False),
    ),
    "jasa": (
        ("Cetak Kitab Kuning", 25_000, 150_000, "eksemplar", "Pesan 1 minggu", False, False),
        ("Kitab Safinatun Najah Terjemah", 20_000, None, "buku", "Siap di stan", False, False),
        ("Kitab Ta'lim Muta'allim Makna Pegon", 35_000, None, "buku", "Siap di stan", False, False),
        ("Desain Logo UMKM", 150_000, 500_000, "paket", "Selesai 3 hari", False, False),
        ("Servis Laptop", 50_000, None, "unit", "Ditunggu di stan", False, False),
        ("Konveksi Seragam Santri", 95_000, None, "stel", "Minimal 24 stel", False, False),
    ),
}
_STORIES = (
    "Usaha ini dikelola santri sejak {year}. Semua produk dibuat di lingkungan pondok dan hasilnya "
    "untuk beasiswa santri.",
    "Berawal dari dapur pondok pada {year}, kini kami melayani pesanan dari seluruh Jawa Timur.",
    "Kami membina {count} perajin dan petani di sekitar pesantren. Produk kami dibuat dengan tangan, "
    "sedikit demi sedikit.",
)
_PROMOTIONS = (
    "Diskon 10% untuk 50 pembeli pertama",
    "Beli 2 gratis 1 selama pameran",
    "Gratis ongkir se-Jombang untuk pesanan di stan",
    "",
)
_COLOURS = ((46, 125, 50), (21, 101, 192), (173, 20, 87), (230, 81, 0), (94, 53, 177), (0, 121, 107))


def _tile(text: str, colour: tuple[int, int, int]) -> bytes:
    """A square picture of ``colour`` with up to two initials of ``text`` (PNG, like an upload)."""
    initials = "".join(word[0] for word in text.split() if word[:1].isalnum())[:2].upper() or "?"
    image = Image.new("RGB", (TILE, TILE), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, TILE - 10, TILE - 10), outline=(255, 255, 255), width=4)
    draw.text((TILE // 2, TILE // 2), initials, fill=(255, 255, 255), font=ImageFont.load_default(size=60), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def _picture(storage: Storage | None, expo_id: int, text: str, colour: tuple[int, int, int]) -> str | None:
    if storage is None:
        return None
    checked = await pictures.check_picture(_tile(text, colour), max_bytes=1_000_000)
    return await pictures.store_picture(storage, expo_id, checked)


async def seed_demo_catalogue(demo: Demo, storage: Storage | None) -> dict[str, int]:
    """Profiles and products for the expo's pesantren, koperasi and UMKM exhibitors; returns counts."""
    rng = random.Random(SEED)  # noqa: S311  (a reproducible demo, not a secret)
    stmt = (
        sa.select(Exhibitor)
        .where(
            col(Exhibitor.expo_id) == demo.expo_id,
            col(Exhibitor.exhibitor_class).in_(
                [ExhibitorClass.PESANTREN, ExhibitorClass.KOPERASI, ExhibitorClass.UMKM]
            ),
        )
        .order_by(col(Exhibitor.id))
    )
    exhibitors = list((await demo.session.scalars(stmt)).all())
    added = 0
    for exhibitor in exhibitors:
        slug = "".join(ch for ch in exhibitor.name.lower() if ch.isalnum())[:24]
        story = rng.choice(_STORIES).format(year=rng.randint(2008, 2022), count=rng.randint(8, 40))
        await profile.save_profile(
            demo.session,
            exhibitor,
            ProfileIn(
                story=story,
                order_whatsapp=exhibitor.whatsapp,
                shopee_url=f"https://shopee.co.id/{slug}" if rng.random() < 0.6 else None,
                tokopedia_url=f"https://www.tokopedia.com/{slug}" if rng.random() < 0.4 else None,
                tiktok_url=f"https://www.tiktok.com/@{slug}" if rng.random() < 0.3 else None,
                instagram_url=f"https://www.instagram.com/{slug}" if rng.random() < 0.7 else None,
                promotion=rng.choice(_PROMOTIONS),
            ),
        )
        colour = rng.choice(_COLOURS)
        await profile.set_logo(demo.session, exhibitor, await _picture(storage, demo.expo_id, exhibitor.name, colour))
        items = _CATALOGUE.get(exhibitor.cluster or "", _CATALOGUE["kuliner"])
        for number, item in enumerate(rng.sample(items, rng.randint(3, min(8, len(items))))):
            name, low, high, unit, stock, halal, pirt = item
            code = f"{exhibitor.id:04d}{number:02d}"
            data = ProductIn(
                name=name,
                description=f"{name} dari {exhibitor.name}.",
                price_min=low,
                price_max=high,
                unit=unit,
                halal_number=f"ID3511000{code}0823" if halal else None,
                pirt_number=f"P-IRT 2063517{code}-28" if pirt else None,
                stock_note=stock,
            )
            photo = await _picture(storage, demo.expo_id, name, rng.choice(_COLOURS))
            await products.add_product(demo.session, exhibitor, data, photo_key=photo)
            added += 1
    return {"profiles": len(exhibitors), "products": added}
