"""The demo expo's venue features (doors, stage, musholla, toilets, desks, columns, an evacuation
aisle) in the free strips the demo layout leaves, and its published map."""

from sqlalchemy.ext.asyncio import AsyncSession

from booths.maps.features import create_feature
from booths.maps.models import FeatureKind
from booths.maps.schemas import FeatureCreate
from booths.maps.service import check_layout, publish
from booths.venue.service import list_halls

# (hall, kind, label, x, y, width, depth) in metres. Hall A keeps its west 12 m and Hall B its east
# 10 m free of booths (with a 3 m aisle along the booths), so the features go there.
_FEATURES: tuple[tuple[str, FeatureKind, str, float, float, float, float], ...] = (
    ("A", FeatureKind.MUSHOLLA, "Musholla Al-Ikhlas", 0, 0, 6, 5.5),
    ("A", FeatureKind.TOILET, "Toilet", 6.5, 0, 2.5, 4),
    ("A", FeatureKind.EXIT, "Darurat Barat", 0, 6, 0.3, 3.5),
    ("A", FeatureKind.STAGE, "Panggung Utama", 0, 10, 7, 11),
    ("A", FeatureKind.REGISTRATION, "Meja Registrasi", 1, 23, 6, 2),
    ("A", FeatureKind.INFO, "Informasi", 1, 26.5, 3, 2),
    ("A", FeatureKind.FIRST_AID, "Pos P3K", 5, 26.5, 3, 2),
    ("A", FeatureKind.ENTRANCE, "Pintu Masuk Utama", 9, 29.7, 3, 0.3),
    ("A", FeatureKind.ENTRANCE, "Pintu Selatan", 27, 29.7, 3, 0.3),
    ("A", FeatureKind.EXIT, "Darurat Timur", 47.7, 3, 0.3, 3),
    ("A", FeatureKind.COLUMN, "K1", 10.2, 10.2, 0.6, 0.6),
    ("A", FeatureKind.COLUMN, "K2", 28.2, 10.2, 0.6, 0.6),
    ("A", FeatureKind.COLUMN, "K3", 46.2, 10.2, 0.6, 0.6),
    ("A", FeatureKind.COLUMN, "K4", 10.2, 19.2, 0.6, 0.6),
    ("A", FeatureKind.COLUMN, "K5", 28.2, 19.2, 0.6, 0.6),
    ("A", FeatureKind.COLUMN, "K6", 46.2, 19.2, 0.6, 0.6),
    ("B", FeatureKind.ENTRANCE, "Pintu Masuk Hall B", 30, 0, 3, 0.3),
    ("B", FeatureKind.EXIT, "Darurat Selatan", 30, 23.7, 3, 0.3),
    ("B", FeatureKind.AISLE, "Jalur Evakuasi", 30, 0, 3, 24),
    ("B", FeatureKind.INFO, "Sekretariat Panitia", 33.5, 0.5, 2, 2),
    ("B", FeatureKind.TOILET, "Toilet", 36, 0, 4, 4),
    ("B", FeatureKind.FIRST_AID, "Pos Kesehatan", 36, 5, 4, 3),
    ("B", FeatureKind.FOOD_COURT, "Food Court Santri", 34, 9, 6, 8),
    ("B", FeatureKind.MUSHOLLA, "Musholla Hall B", 35, 19, 5, 5),
    ("B", FeatureKind.COLUMN, "K7", 16.2, 10.2, 0.6, 0.6),
    ("T", FeatureKind.ENTRANCE, "Gerbang Halaman", 16.5, 17.7, 3, 0.3),
)


async def seed_demo_map(session: AsyncSession, expo_id: int) -> dict[str, int]:
    """Add the demo's venue features and publish its map (the layout passes the check)."""
    halls = {h.code: h.id for h in await list_halls(session, expo_id)}
    for hall, kind, label, x, y, w, d in _FEATURES:
        hall_id = halls[hall]
        assert hall_id is not None
        await create_feature(
            session,
            expo_id,
            FeatureCreate(hall_id=hall_id, kind=kind, label=label, x_m=x, y_m=y, width_m=w, depth_m=d),
        )
    report = await check_layout(session, expo_id)
    if report.ok:
        await publish(session, expo_id)
    return {"venue_features": len(_FEATURES), "map_published": int(report.ok)}
