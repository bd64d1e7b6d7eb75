"""The demo's exhibitors: fictional pesantren, koperasi, UMKM, sponsors and offices (names, NIBs,
contacts, all invented, from one seeded generator), and their seeding through the exhibitor services
(three signed themselves up; the organiser typed in the rest)."""

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from booths.demo.context import Demo, actor
from booths.demo.published import EXHIBITOR_EMAIL, EXHIBITOR_PASSWORD
from booths.exhibitors import approval
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from booths.exhibitors.schemas import ExhibitorCreate, ExhibitorSignup
from booths.exhibitors.service import create_exhibitor, sign_up
from expo.accounts import CurrentUser

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


def exhibitor_data(rng: random.Random) -> dict[str, list[dict[str, object]]]:
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


async def seed_exhibitors(demo: Demo) -> dict[str, list[tuple[Exhibitor, CurrentUser | None]]]:
    data = exhibitor_data(demo.rng)
    # Three exhibitors registered themselves; the organiser typed in the rest (they have no account).
    self_signed = {("pesantren", 0), ("koperasi", 0), ("umkm", 0)}
    out: dict[str, list[tuple[Exhibitor, CurrentUser | None]]] = {}
    for group, rows in data.items():
        out[group] = []
        for i, values in enumerate(rows):
            if (group, i) in self_signed:
                signup = ExhibitorSignup.model_validate(values | {"password": EXHIBITOR_PASSWORD})
                exhibitor, user = await sign_up(demo.session, demo.passwords, demo.expo_id, signup, demo.links)
                assert exhibitor.id is not None  # the organiser checked its class: free stands confirm
                await approval.decide(demo.session, exhibitor.id, approval.Decision.APPROVED, demo.org)
                out[group].append((exhibitor, actor(user)))
            else:
                created = await create_exhibitor(demo.session, demo.expo_id, ExhibitorCreate.model_validate(values))
                out[group].append((created, None))
    return out
