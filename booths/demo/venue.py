"""The demo's users (organiser, gate) and venue: clusters, packages, three halls, booth blocks, blocked
booths, and the rehearsal day. Seeded through the venue services, but for the rehearsal day."""

from dataclasses import dataclass, replace
from datetime import time

from booths.demo.context import Demo, actor
from booths.demo.published import (
    DEMO_SLUG,
    DEMO_TIMEZONE,
    GATE_EMAIL,
    GATE_PASSWORD,
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    REHEARSAL_CLOSES,
    REHEARSAL_OPENS,
    demo_dates,
)
from booths.exhibitors.models import ExhibitorClass
from booths.venue.models import Booth, ExpoDay, Hall, HallKind
from booths.venue.schemas import BlockRequest, ClusterCreate, ExpoCreate, HallCreate, PackageCreate
from booths.venue.service import create_cluster, create_expo, create_hall, create_package, generate_block, set_blocked
from expo.accounts import create_user
from expo.models import CommitteeRole, Role

_CLUSTERS = (
    ("kuliner", "Kuliner & Makanan Olahan", "#e65100"),
    ("fashion", "Fashion & Busana Muslim", "#ad1457"),
    ("kerajinan", "Kerajinan & Kriya", "#6d4c41"),
    ("agribisnis", "Agribisnis & Pertanian", "#2e7d32"),
    ("herbal", "Herbal & Kesehatan", "#00897b"),
    ("jasa", "Jasa & Digital", "#1565c0"),
    ("instansi", "Sponsor & Instansi", "#546e7a"),
)

_PACKAGES = (
    PackageCreate(  # noqa: S604  (a booth's shell walls, not a subprocess shell)
        code="standar",
        name="Stan Standar 3x3 m",
        description="Stan shell 3 x 3 m dengan papan nama, 1 meja, 2 kursi dan listrik 440 W.",
        shell=True,
        fascia=True,
        tables=1,
        chairs=2,
        power_amps=2,
        staff_quota=2,
        price=1_500_000,
        class_prices={ExhibitorClass.PESANTREN: 0, ExhibitorClass.KOPERASI: 750_000},
    ),
    PackageCreate(  # noqa: S604  (a booth's shell walls, not a subprocess shell)
        code="gratis-umkm",
        name="Stan UMKM Binaan (gratis)",
        description="Stan shell 3 x 3 m untuk UMKM binaan, tanpa biaya: 1 meja, 2 kursi, listrik 440 W.",
        shell=True,
        fascia=True,
        tables=1,
        chairs=2,
        power_amps=2,
        staff_quota=2,
        price=0,
    ),
    PackageCreate(  # noqa: S604  (a booth's shell walls, not a subprocess shell)
        code="sponsor",
        name="Stan Sponsor 6x3 m",
        description="Stan shell 6 x 3 m di dinding belakang Hall B: 2 meja, 4 kursi, listrik 1.320 W, 4 penjaga.",
        shell=True,
        fascia=True,
        tables=2,
        chairs=4,
        power_amps=6,
        staff_quota=4,
        price=7_500_000,
        class_prices={ExhibitorClass.GOVERNMENT: 0},
    ),
    PackageCreate(
        code="tenda",
        name="Tenda Kuliner 3x3 m",
        description="Tenda kerucut 3 x 3 m di halaman depan: 1 meja, 2 kursi, listrik 880 W untuk peralatan masak.",
        shell=False,
        tables=1,
        chairs=2,
        power_amps=4,
        staff_quota=2,
        price=1_000_000,
        class_prices={ExhibitorClass.PESANTREN: 0, ExhibitorClass.KOPERASI: 500_000, ExhibitorClass.UMKM: 750_000},
    ),
)

# Hall A (48 x 30 m): a 9 m strip along the west wall stays free for the stage and a musholla; two
# columns of back-to-back double rows, 3 m aisles all round. Hall B (40 x 24 m): the east 7 m stay free
# (musholla, panitia desk); sponsors along the back wall. Tents in the forecourt.
_HALLS = (
    HallCreate(code="A", name="Hall A – Gedung Utama", kind=HallKind.HALL, width_m=48, depth_m=30),
    HallCreate(code="B", name="Hall B – Sayap Timur", kind=HallKind.HALL, width_m=40, depth_m=24),
    HallCreate(code="T", name="Area Tenda Halaman Depan", kind=HallKind.OUTDOOR, width_m=36, depth_m=18),
)


@dataclass(frozen=True)
class _Block:
    hall: str
    package: str
    cluster: str
    x: float
    y: float
    rows: int
    columns: int
    width: float = 3.0
    depth: float = 3.0


_BLOCKS = (
    _Block("A", "standar", "kuliner", 12, 3, 2, 5),
    _Block("A", "standar", "kuliner", 30, 3, 2, 5),
    _Block("A", "standar", "fashion", 12, 12, 2, 5),
    _Block("A", "standar", "fashion", 30, 12, 2, 5),
    _Block("A", "standar", "kerajinan", 12, 21, 2, 5),
    _Block("A", "standar", "herbal", 30, 21, 2, 5),
    _Block("B", "standar", "herbal", 3, 3, 2, 4),
    _Block("B", "standar", "agribisnis", 18, 3, 2, 4),
    _Block("B", "standar", "jasa", 3, 12, 2, 4),
    _Block("B", "gratis-umkm", "kuliner", 18, 12, 2, 4),
    _Block("B", "sponsor", "instansi", 3, 21, 1, 4, width=6.0),
    _Block("T", "tenda", "kuliner", 3, 3, 3, 10),
)

_BLOCKED = (
    ("A-15", "Di depan pintu darurat timur; jalur evakuasi harus tetap lega."),
    ("B-12", "Menutup akses panel listrik utama; harus bisa dijangkau teknisi."),
    ("T-10", "Terlalu dekat genset dan jalur kabel listrik."),
)


async def seed_users(demo: Demo) -> None:
    organiser = await create_user(
        demo.session,
        demo.passwords,
        email=ORGANISER_EMAIL,
        name="Panitia Expo (Demo)",
        password=ORGANISER_PASSWORD,
        role=Role.ORGANISER,
    )
    await create_user(
        demo.session,
        demo.passwords,
        email=GATE_EMAIL,
        name="Petugas Gerbang (Demo)",
        password=GATE_PASSWORD,
        role=Role.GATE,
    )
    demo.organiser = actor(organiser)


async def seed_venue(demo: Demo) -> None:
    starts_on, ends_on = demo_dates(demo.today)
    expo = await create_expo(
        demo.session,
        ExpoCreate(
            slug=DEMO_SLUG,
            name="Expo UMKM & OPOP Santri Jombang",
            city="Jombang",
            venue="Gedung Serbaguna Kabupaten Jombang",
            starts_on=starts_on,
            ends_on=ends_on,
            opens_at=time(9, 0),
            closes_at=time(21, 0),
            timezone=DEMO_TIMEZONE,
            hold_minutes=2 * 24 * 60,  # two days to pay by transfer, as Indonesian expos give
            booth_limit=1,
            free_self_confirm=True,
            contact_whatsapp="0812-3000-2026",  # fictional
            contact_email="panitia@expo.test",
        ),
        created_by=demo.org,
    )
    assert expo.id is not None
    demo.expo_id = expo.id
    demo.organiser = replace(demo.org, committee={expo.id: CommitteeRole.ORGANISER})
    # The rehearsal day (the seeding day, weeks before the expo), so passes scan at the gate today.
    # A direct write, on purpose: the venue services keep an expo's days within its run, as they
    # should for a real expo. The demo's only other write around the services is ``bookings.lapse``.
    demo.session.add(ExpoDay(expo_id=expo.id, day=demo.today, opens_at=REHEARSAL_OPENS, closes_at=REHEARSAL_CLOSES))
    await demo.session.flush()
    for code, name, colour in _CLUSTERS:
        await create_cluster(demo.session, expo.id, ClusterCreate(code=code, name=name, color=colour))
    for package in _PACKAGES:
        row = await create_package(demo.session, expo.id, package)
        demo.packages[row.code], demo.packages_by_id[row.id] = row, row
    halls: dict[str, Hall] = {h.code: await create_hall(demo.session, expo.id, h) for h in _HALLS}
    next_number = dict.fromkeys(halls, 1)
    booths: list[Booth] = []
    for block in _BLOCKS:
        hall = halls[block.hall]
        assert hall.id is not None
        package_id = demo.packages[block.package].id
        assert package_id is not None
        booths += await generate_block(
            demo.session,
            hall.id,
            BlockRequest(
                package_id=package_id,
                origin_x_m=block.x,
                origin_y_m=block.y,
                rows=block.rows,
                columns=block.columns,
                booth_width_m=block.width,
                booth_depth_m=block.depth,
                aisle_m=3.0,
                prefix=block.hall,
                start_number=next_number[block.hall],
                back_to_back=block.rows > 1,
                cluster=block.cluster,
            ),
        )
        next_number[block.hall] += block.rows * block.columns
    by_code = {b.code: b for b in booths}
    for code, reason in _BLOCKED:
        booth_id = by_code[code].id
        assert booth_id is not None
        await set_blocked(demo.session, booth_id, True, reason)
    demo.free = [b for b in booths if not b.blocked]
