"""The demo expo (a UMKM & OPOP fair of pesantren in Jombang), seeded through the services so it obeys every rule.

Everything here is fictional: pesantren, businesses, people, NIBs, phone numbers and e-mail addresses.
A seeded ``random.Random`` makes every run the same, apart from the dates: they follow the day the
demo is seeded (in the expo's time zone), so the demo makes sense whenever it is run. The expo opens
four weeks later for six days, and the seeding day itself is a gate rehearsal day (*gladi resik*),
open all day, so passes scan at the gate on the day of ``make run``.
"""

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from booths.bookings.holds import effective_status
from booths.bookings.models import Booking, BookingStatus, PaymentMethod
from booths.bookings.schemas import PaymentIn
from booths.bookings.service import assign_booth, cancel_booking, confirm_booking, hold_booth
from booths.demo.applications import seed_demo_applications
from booths.demo.map import seed_demo_map
from booths.exhibitors import approval
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from booths.exhibitors.schemas import ExhibitorCreate, ExhibitorSignup
from booths.exhibitors.service import create_exhibitor, sign_up
from booths.venue.models import Booth, BoothPackage, Expo, ExpoDay, Hall, HallKind
from booths.venue.schemas import BlockRequest, ClusterCreate, ExpoCreate, HallCreate, PackageCreate
from booths.venue.service import (
    create_cluster,
    create_expo,
    create_hall,
    create_package,
    generate_block,
    price_for,
    set_blocked,
)
from expo.accounts import CurrentUser, create_user
from expo.errors import Conflict
from expo.models import Role, User
from expo.security import Passwords

DEMO_SLUG = "opop-hari-santri-2026"
ORGANISER_EMAIL = "panitia@expo.test"
ORGANISER_PASSWORD = "panitia-demo-2026"  # noqa: S105  (a published demo log-in)
GATE_EMAIL = "gerbang@expo.test"
GATE_PASSWORD = "gerbang-demo-2026"  # noqa: S105
EXHIBITOR_EMAIL = "pameran@expo.test"
EXHIBITOR_PASSWORD = "pameran-demo-2026"  # noqa: S105
DEMO_LOGINS: tuple[tuple[Role, str, str], ...] = (
    (Role.ORGANISER, ORGANISER_EMAIL, ORGANISER_PASSWORD),
    (Role.GATE, GATE_EMAIL, GATE_PASSWORD),
    (Role.EXHIBITOR, EXHIBITOR_EMAIL, EXHIBITOR_PASSWORD),
)
SEED = 2026
DEMO_TIMEZONE = "Asia/Jakarta"
OPENS_IN_DAYS = 28  # the expo opens four weeks after the demo is seeded
EXPO_DAYS = 6
# The rehearsal day's hours: all day, so a scan at any time of the seeding day passes the hours check.
REHEARSAL_OPENS, REHEARSAL_CLOSES = time(0, 0), time(23, 59, 59)


def demo_today(now: datetime | None = None) -> date:
    """The date in the expo's time zone: the demo's rehearsal day, from which its dates follow."""
    return (now or datetime.now(ZoneInfo(DEMO_TIMEZONE))).astimezone(ZoneInfo(DEMO_TIMEZONE)).date()


def demo_dates(today: date) -> tuple[date, date]:
    """The first and last day of the demo expo when seeded on ``today``."""
    starts = today + timedelta(days=OPENS_IN_DAYS)
    return starts, starts + timedelta(days=EXPO_DAYS - 1)


# --- the venue --------------------------------------------------------------------------------
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
        description="Stan shell 3 x 3 m dengan papan nama, 1 meja, 2 kursi dan listrik 2 A.",
        shell=True,
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
        description="Stan shell 3 x 3 m untuk UMKM binaan, tanpa biaya: 1 meja, 2 kursi, listrik 2 A.",
        shell=True,
        tables=1,
        chairs=2,
        power_amps=2,
        staff_quota=2,
        price=0,
    ),
    PackageCreate(  # noqa: S604  (a booth's shell walls, not a subprocess shell)
        code="sponsor",
        name="Stan Sponsor 6x3 m",
        description="Stan shell 6 x 3 m di dinding belakang Hall B: 2 meja, 4 kursi, listrik 6 A, 4 penjaga.",
        shell=True,
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
        description="Tenda kerucut 3 x 3 m di halaman depan: 1 meja, 2 kursi, listrik 4 A untuk peralatan masak.",
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

# --- fictional people and businesses ---------------------------------------------------------
_CORE_FIRST = (
    "Nurul",
    "Darul",
    "Miftahul",
    "Raudlatul",
    "Hidayatul",
    "Manbaul",
    "Sabilul",
    "Tarbiyatul",
    "Hikmatul",
    "Baitul",
    "Syamsul",
    "Irsyadul",
)
_CORE_SECOND = (
    "Huda",
    "Ulum",
    "Falah",
    "Jannah",
    "Muttaqin",
    "Hikmah",
    "Qur'an",
    "Anwar",
    "Salam",
    "Abror",
    "Mubtadiin",
    "Athfal",
)
_VILLAGE_HEAD = ("Kedung", "Sumber", "Tegal", "Watu", "Banyu", "Ngampel", "Karang", "Sido", "Wono", "Gondang")
_VILLAGE_TAIL = ("sari", "rejo", "wangi", "jati", "agung", "mulyo", "kerep", "asri", "legi", "makmur")
_ARABIC_PESANTREN = (
    ("An-Nur", "معهد النور الإسلامي"),
    ("Darul Falah", "معهد دار الفلاح"),
    ("Raudlatut Thalibin", "معهد روضة الطالبين"),
    ("Miftahul Huda", "معهد مفتاح الهدى"),
)
_PRODUCTS = {
    "kuliner": (
        "Keripik Tempe",
        "Sambal Pecel",
        "Kopi Robusta",
        "Madu Klanceng",
        "Dodol Nangka",
        "Kerupuk Ikan",
        "Roti Maryam",
        "Kue Kering",
        "Abon Lele",
        "Teh Rosella",
        "Sirup Jahe",
        "Bandeng Presto",
    ),
    "fashion": ("Sarung Tenun", "Batik Tulis", "Busana Muslim", "Kopiah Rajut", "Mukena Bordir", "Jilbab Printing"),
    "kerajinan": (
        "Tasbih Kayu",
        "Kaligrafi Ukir",
        "Anyaman Pandan",
        "Sandal Santri",
        "Rak Al-Qur'an",
        "Tas Eceng Gondok",
    ),
    "herbal": (
        "Jamu Instan",
        "Minyak Herbal",
        "Sabun Sereh",
        "Kapsul Habbatussauda",
        "Madu Herbal",
        "Balsem Kayu Putih",
    ),
    "agribisnis": (
        "Beras Organik",
        "Bibit Kelengkeng",
        "Jamur Tiram",
        "Pupuk Kompos",
        "Lele Segar",
        "Sayur Hidroponik",
    ),
    "jasa": (
        "Percetakan Santri",
        "Desain Grafis",
        "Servis Laptop",
        "Aplikasi Kasir",
        "Konveksi Seragam",
        "Fotografi Santri",
    ),
}
_DESCRIPTIONS = {
    "kuliner": "Makanan dan minuman olahan produksi santri, bersertifikat halal dan PIRT.",
    "fashion": "Busana muslim, sarung dan batik buatan tangan santri.",
    "kerajinan": "Kerajinan tangan dan kriya dari bengkel keterampilan pesantren.",
    "herbal": "Produk herbal dan perawatan kesehatan berbahan alami.",
    "agribisnis": "Hasil pertanian, perikanan dan peternakan unit usaha pesantren.",
    "jasa": "Layanan jasa dan produk digital dari santri.",
}
_PESANTREN_CLUSTERS = (
    ("kuliner", 40),
    ("fashion", 15),
    ("kerajinan", 12),
    ("herbal", 15),
    ("agribisnis", 10),
    ("jasa", 8),
)
_UMKM_DESCRIPTION = "Usaha mikro binaan dari Jawa Timur dengan produk unggulan daerah."
_UMKM_HEAD = ("UD", "CV", "Dapur", "Rumah", "Griya", "Omah")
_UMKM_TAIL = (
    "Berkah Jaya",
    "Sumber Rezeki",
    "Barokah",
    "Cahaya Mulia",
    "Sinar Lestari",
    "Makmur Sentosa",
    "Amanah",
    "Sejahtera Abadi",
    "Mekar Sari",
    "Tunas Harapan",
    "Rasa Nusantara",
    "Putri Melati",
)
FIRST_NAMES = (
    "Ahmad",
    "Muhammad",
    "Siti",
    "Nur",
    "Fatimah",
    "Abdul",
    "Rizki",
    "Dewi",
    "Ainun",
    "Lukman",
    "Khoirul",
    "Zainal",
    "Umi",
    "Laili",
    "Imam",
    "Hasan",
    "Faiz",
    "Nadia",
    "Ridwan",
    "Aisyah",
    "Yusuf",
    "Hanifah",
    "Farid",
    "Mutiara",
)
LAST_NAMES = (
    "Hidayat",
    "Maulana",
    "Rahmawati",
    "Fauzi",
    "Azizah",
    "Santoso",
    "Mubarok",
    "Khasanah",
    "Prasetyo",
    "Ulfa",
    "Syahputra",
    "Wahyuni",
    "Arifin",
    "Nikmah",
    "Saputra",
    "Zulfa",
)
_REGENCIES = (
    ("Jombang", 8),
    ("Kediri", 3),
    ("Mojokerto", 3),
    ("Nganjuk", 2),
    ("Lamongan", 2),
    ("Gresik", 2),
    ("Sidoarjo", 2),
    ("Kota Surabaya", 2),
    ("Malang", 2),
    ("Pasuruan", 2),
    ("Probolinggo", 1),
    ("Jember", 2),
    ("Banyuwangi", 1),
    ("Madiun", 1),
    ("Tuban", 1),
    ("Bojonegoro", 1),
    ("Blitar", 1),
    ("Tulungagung", 1),
    ("Bangkalan", 1),
    ("Sumenep", 1),
    ("Pamekasan", 1),
    ("Situbondo", 1),
)
_PHONE_PREFIXES = ("0812", "0813", "0821", "0822", "0852", "0853", "0857", "0858", "0877", "0878", "0895")
_SPONSORS = (
    (ExhibitorClass.SPONSOR, "Bank Syariah Amanah Contoh", "Pembiayaan mikro syariah dan tabungan santri."),
    (ExhibitorClass.SPONSOR, "PT Kemasan Nusantara Contoh", "Kemasan pangan dan label halal untuk UMKM."),
    (ExhibitorClass.GOVERNMENT, "Dinas Koperasi dan Usaha Mikro (Contoh)", "Pendampingan koperasi dan UMKM."),
    (
        ExhibitorClass.GOVERNMENT,
        "Layanan Perizinan Berusaha Terpadu (Contoh)",
        "Pendaftaran NIB dan sertifikasi halal.",
    ),
)
PESANTREN_COUNT, KOPONTREN_COUNT, UMKM_COUNT = 45, 15, 15


def _actor(user: User) -> CurrentUser:
    assert user.id is not None
    return CurrentUser(id=user.id, email=user.email, name=user.name, role=Role(user.role))


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


_EMAIL_SKIP = {
    "ud",
    "cv",
    "pt",
    "unit",
    "usaha",
    "santri",
    "pondok",
    "pesantren",
    "koperasi",
    "koppontren",
    "kopontren",
    "contoh",
    "dan",
}


@dataclass
class _People:
    """Unique fictional names, NIBs and addresses, drawn from one seeded generator."""

    rng: random.Random
    seen: set[str] = field(default_factory=set)

    def unique(self, make: Callable[[], str]) -> str:
        while (value := make()) in self.seen:
            pass
        self.seen.add(value)
        return value

    def nib(self) -> str:
        return self.unique(lambda: str(self.rng.randrange(10**12, 10**13)))

    def core(self) -> tuple[str, str]:
        """A pesantren's name and its (invented) village."""
        core = self.unique(lambda: f"{self.rng.choice(_CORE_FIRST)} {self.rng.choice(_CORE_SECOND)}")
        return core, self.rng.choice(_VILLAGE_HEAD) + self.rng.choice(_VILLAGE_TAIL)

    def whatsapp(self) -> str:
        digits = f"{self.rng.randrange(10**8):08d}"
        return f"{self.rng.choice(_PHONE_PREFIXES)}-{digits[:4]}-{digits[4:]}"

    def email(self, name: str) -> str:
        ascii_name = "".join(c if c.isalnum() else " " for c in name.lower().encode("ascii", "ignore").decode())
        local = ""
        for word in (w for w in ascii_name.split() if w not in _EMAIL_SKIP):
            if len(local) + len(word) > 30:
                break
            local = f"{local}.{word}" if local else word
        candidates = (f"{local or 'peserta'}{n or ''}@contoh.id" for n in itertools.count())
        return self.unique(lambda: next(candidates))

    def fields(
        self, name: str, cls: ExhibitorClass, cluster: str, pesantren: str | None = None, description: str | None = None
    ) -> dict[str, object]:
        contact = self.unique(lambda: f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}")
        return {
            "name": name,
            "exhibitor_class": cls,
            "nib": self.nib(),
            "pesantren_name": pesantren,
            "regency": _weighted(self.rng, _REGENCIES),
            "contact_name": contact,
            "whatsapp": self.whatsapp(),
            "email": self.email(name),
            "cluster": cluster,
            "description": description or _DESCRIPTIONS.get(cluster, ""),
        }


def _exhibitor_data(rng: random.Random) -> dict[str, list[dict[str, object]]]:
    """Field values of every demo exhibitor, grouped by the part they play."""
    people = _People(rng, seen={core for core, _ in _ARABIC_PESANTREN})
    arabic = {3: 0, 17: 1, 29: 2, 41: 3}
    pesantren: list[dict[str, object]] = []
    for i in range(PESANTREN_COUNT):
        cluster = _weighted(rng, _PESANTREN_CLUSTERS)
        core, village = people.core()
        if i in arabic:
            core, pesantren_name = _ARABIC_PESANTREN[arabic[i]]
        else:
            pesantren_name = f"{rng.choice(('Pondok Pesantren', 'Pesantren', 'PP'))} {core} {village}"
        products = _PRODUCTS[cluster] if i % 4 else ("Unit Usaha Santri",)
        name = people.unique(lambda: f"{rng.choice(products)} {core}")  # noqa: B023  (called at once)
        pesantren.append(people.fields(name, ExhibitorClass.PESANTREN, cluster, pesantren_name))
    koperasi: list[dict[str, object]] = []
    for i in range(KOPONTREN_COUNT):
        cluster = _weighted(rng, _PESANTREN_CLUSTERS)
        core, village = people.core()
        prefix = ("Koppontren", "Kopontren", "Koperasi Pondok Pesantren")[i % 3]
        koperasi.append(
            people.fields(
                f"{prefix} {core} {village}", ExhibitorClass.KOPERASI, cluster, f"Pondok Pesantren {core} {village}"
            )
        )
    umkm: list[dict[str, object]] = []
    for _ in range(UMKM_COUNT):
        cluster = _weighted(rng, (("kuliner", 6), ("fashion", 2), ("kerajinan", 2), ("herbal", 1), ("jasa", 2)))
        name = people.unique(lambda: f"{rng.choice(_UMKM_HEAD)} {rng.choice(_UMKM_TAIL)} {rng.choice(_VILLAGE_HEAD)}")
        umkm.append(people.fields(name, ExhibitorClass.UMKM, cluster, description=_UMKM_DESCRIPTION))
    others = [people.fields(name, cls, "instansi", description=text) for cls, name, text in _SPONSORS]
    koperasi[0]["email"] = EXHIBITOR_EMAIL  # the published exhibitor log-in is this Koppontren's contact
    return {"pesantren": pesantren, "koperasi": koperasi, "umkm": umkm, "others": others}


# --- the seeding ------------------------------------------------------------------------------
@dataclass
class _Demo:
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

    @property
    def org(self) -> CurrentUser:
        assert self.organiser is not None
        return self.organiser

    async def users(self) -> None:
        organiser = await create_user(
            self.session,
            self.passwords,
            email=ORGANISER_EMAIL,
            name="Panitia Expo (Demo)",
            password=ORGANISER_PASSWORD,
            role=Role.ORGANISER,
        )
        await create_user(
            self.session,
            self.passwords,
            email=GATE_EMAIL,
            name="Petugas Gerbang (Demo)",
            password=GATE_PASSWORD,
            role=Role.GATE,
        )
        self.organiser = _actor(organiser)

    async def venue(self) -> None:
        starts_on, ends_on = demo_dates(self.today)
        expo = await create_expo(
            self.session,
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
                hold_minutes=30,
                booth_limit=1,
                free_self_confirm=True,
            ),
        )
        assert expo.id is not None
        self.expo_id = expo.id
        # The rehearsal day, weeks before the expo: no service adds a day outside the expo's run, so
        # this is the demo's second direct write (like ``lapse``). Passes valid on it scan today.
        self.session.add(ExpoDay(expo_id=expo.id, day=self.today, opens_at=REHEARSAL_OPENS, closes_at=REHEARSAL_CLOSES))
        await self.session.flush()
        for code, name, colour in _CLUSTERS:
            await create_cluster(self.session, expo.id, ClusterCreate(code=code, name=name, color=colour))
        for package in _PACKAGES:
            row = await create_package(self.session, expo.id, package)
            self.packages[row.code], self.packages_by_id[row.id] = row, row
        halls: dict[str, Hall] = {h.code: await create_hall(self.session, expo.id, h) for h in _HALLS}
        next_number = dict.fromkeys(halls, 1)
        booths: list[Booth] = []
        for block in _BLOCKS:
            hall = halls[block.hall]
            assert hall.id is not None
            package_id = self.packages[block.package].id
            assert package_id is not None
            booths += await generate_block(
                self.session,
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
            await set_blocked(self.session, booth_id, True, reason)
        self.free = [b for b in booths if not b.blocked]

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

    async def exhibitors(self) -> dict[str, list[tuple[Exhibitor, CurrentUser | None]]]:
        data = _exhibitor_data(self.rng)
        # Three exhibitors registered themselves; the organiser typed in the rest (they have no account).
        self_signed = {("pesantren", 0), ("koperasi", 0), ("umkm", 0)}
        out: dict[str, list[tuple[Exhibitor, CurrentUser | None]]] = {}
        for group, rows in data.items():
            out[group] = []
            for i, values in enumerate(rows):
                if (group, i) in self_signed:
                    signup = ExhibitorSignup.model_validate(values | {"password": EXHIBITOR_PASSWORD})
                    exhibitor, user = await sign_up(self.session, self.passwords, self.expo_id, signup)
                    assert exhibitor.id is not None  # the organiser checked its class: free stands confirm
                    await approval.decide(self.session, exhibitor.id, approval.Decision.APPROVED, self.org)
                    out[group].append((exhibitor, _actor(user)))
                else:
                    created = await create_exhibitor(self.session, self.expo_id, ExhibitorCreate.model_validate(values))
                    out[group].append((created, None))
        return out

    async def hold(self, exhibitor: Exhibitor, booth: Booth, actor: CurrentUser | None = None) -> Booking:
        assert exhibitor.id is not None
        assert booth.id is not None
        return await hold_booth(self.session, self.expo_id, booth.id, exhibitor.id, actor or self.org)

    async def confirm(self, booking: Booking, method: PaymentMethod) -> Booking:
        assert booking.id is not None
        return await confirm_booking(self.session, booking.id, self.payment(booking.price, method), self.org)

    async def assign(
        self, exhibitor: Exhibitor, booth: Booth, method: PaymentMethod = PaymentMethod.TRANSFER, note: str = ""
    ) -> Booking:
        """The organiser places an exhibitor and confirms at once, with a payment when the stand is not free."""
        assert exhibitor.id is not None
        assert booth.id is not None
        price = price_for(self.packages_by_id[booth.package_id], exhibitor.exhibitor_class)
        payment = self.payment(price, method) if price else None
        return await assign_booth(
            self.session, self.expo_id, booth.id, exhibitor.id, self.org, confirm=True, payment=payment, note=note
        )

    async def cancel(self, booking: Booking, reason: str, actor: CurrentUser | None = None) -> None:
        assert booking.id is not None
        await cancel_booking(self.session, booking.id, actor or self.org, reason)

    async def lapse(self, booking: Booking, hours_ago: float) -> None:
        """Let a hold run out: a direct write (no service turns back the clock)."""
        assert booking.hold_expires_at is not None
        booking.held_at -= timedelta(hours=hours_ago)
        booking.hold_expires_at = booking.held_at + timedelta(minutes=30)
        await self.session.flush()

    async def pesantren_bookings(self, rows: list[tuple[Exhibitor, CurrentUser | None]]) -> None:
        # Stands are free for pesantren: the self-signed one holds and gets its stand at once; the
        # organiser places the others, some by holding for them (confirmed at once too), some by assigning.
        booking: Booking | None = None
        for i, (exhibitor, user) in enumerate(rows[:31]):
            booth = self.booth(exhibitor.cluster)
            if user is not None or i % 2:
                booking = await self.hold(exhibitor, booth, user)
            else:
                booking = await self.assign(exhibitor, booth, note="Diundang panitia (program OPOP).")
        assert booking is not None
        await self.cancel(booking, "Pesantren mengundurkan diri: bentrok dengan acara haul.")

    async def koperasi_bookings(self, rows: list[tuple[Exhibitor, CurrentUser | None]]) -> None:
        methods = (PaymentMethod.TRANSFER, PaymentMethod.QRIS, PaymentMethod.CASH)
        (demo, demo_user), *others = rows
        await self.hold(demo, self.booth(demo.cluster, ("standar",)), demo_user)  # live: the countdown page
        for i, (exhibitor, _) in enumerate(others[:7]):
            booth = self.booth(exhibitor.cluster)
            if i % 2:
                await self.confirm(await self.hold(exhibitor, booth), methods[i % 3])
            else:
                await self.assign(exhibitor, booth, methods[i % 3])
        for exhibitor, _ in others[7:9]:  # waiting for their transfer
            await self.hold(exhibitor, self.booth(exhibitor.cluster))
        exhibitor = others[9][0]
        await self.lapse(await self.hold(exhibitor, self.booth(exhibitor.cluster)), hours_ago=5)
        exhibitor = others[10][0]
        booking = await self.assign(exhibitor, self.booth(exhibitor.cluster), PaymentMethod.TRANSFER)
        await self.cancel(booking, "Pindah ke pameran lain; dana dikembalikan.")

    async def umkm_bookings(self, rows: list[tuple[Exhibitor, CurrentUser | None]]) -> None:
        (first, first_user), (taker, _), *others = rows
        # The self-signed UMKM let a paid tent lapse; another UMKM took that tent (which stores the
        # lapsed hold as expired), and the first chose a free UMKM stand instead.
        tent = self.booth("kuliner", ("tenda",))
        await self.lapse(await self.hold(first, tent, first_user), hours_ago=26)
        await self.assign(taker, tent, PaymentMethod.QRIS)
        await self.hold(first, self.booth("kuliner", ("gratis-umkm",)), first_user)
        for exhibitor, _ in others[:5]:
            await self.assign(exhibitor, self.booth("kuliner", ("gratis-umkm",)), note="UMKM binaan.")
        for i, (exhibitor, _) in enumerate(others[5:8]):
            await self.assign(
                exhibitor,
                self.booth(exhibitor.cluster),
                (PaymentMethod.TRANSFER, PaymentMethod.CASH, PaymentMethod.QRIS)[i],
            )
        await self.hold(others[8][0], self.booth(others[8][0].cluster))
        booking = await self.hold(others[9][0], self.booth(others[9][0].cluster))
        await self.cancel(booking, "Tidak ada penjaga stan pada tanggal pameran.")

    async def other_bookings(self, rows: list[tuple[Exhibitor, CurrentUser | None]]) -> None:
        for exhibitor, _ in rows:
            await self.assign(exhibitor, self.booth("instansi", ("sponsor",)), PaymentMethod.TRANSFER)

    async def counts(self) -> dict[str, int]:
        async def count(model: type[SQLModel], *where: sa.ColumnElement[bool]) -> int:
            return int(await self.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)

        out = {
            "expos": await count(Expo),
            "halls": await count(Hall),
            "booths": await count(Booth),
            "booths_blocked": await count(Booth, col(Booth.blocked).is_(True)),
            "exhibitors": await count(Exhibitor),
            "exhibitors_with_account": await count(Exhibitor, col(Exhibitor.user_id).is_not(None)),
            "users": await count(User),
        }
        for cls in ExhibitorClass:
            out[f"exhibitors_{cls.value}"] = await count(Exhibitor, col(Exhibitor.exhibitor_class) == cls)
        bookings = (await self.session.scalars(sa.select(Booking))).all()
        out["bookings"] = len(bookings)
        for status in BookingStatus:
            out[f"bookings_{status.value}"] = 0
        for booking in bookings:
            status = effective_status(booking)
            out[f"bookings_{status.value}"] += 1
        return out


async def is_empty(session: AsyncSession) -> bool:
    """True when no expo exists yet (the demo may be seeded)."""
    return await session.scalar(sa.select(col(Expo.id)).limit(1)) is None


async def seed_demo(session: AsyncSession, passwords: Passwords, today: date | None = None) -> dict[str, int]:
    """Seed the demo expo into an empty database and commit; returns what was created, by kind.

    ``today`` (default: the date in Jombang now) is the rehearsal day; the expo opens four weeks later."""
    if not await is_empty(session):
        raise Conflict("The database already holds an expo; reset it to seed the demo.", code="demo_not_empty")
    rng = random.Random(SEED)  # noqa: S311  (a reproducible demo, not a secret)
    demo = _Demo(session, passwords, rng, today or demo_today())
    await demo.users()
    await demo.venue()
    exhibitors = await demo.exhibitors()
    await demo.pesantren_bookings(exhibitors["pesantren"])
    await demo.koperasi_bookings(exhibitors["koperasi"])
    await demo.umkm_bookings(exhibitors["umkm"])
    await demo.other_bookings(exhibitors["others"])
    counts = await demo.counts() | await seed_demo_map(session, demo.expo_id)
    counts |= await seed_demo_applications(session, demo.expo_id, demo.org)
    await session.commit()
    return counts


async def reset_demo(session: AsyncSession, passwords: Passwords, today: date | None = None) -> dict[str, int]:
    """Delete every row of every table (children first), then seed the demo, in one transaction."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        await session.execute(table.delete())
    session.expunge_all()
    return await seed_demo(session, passwords, today)
