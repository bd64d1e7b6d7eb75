"""Sample invoices and receipts for the document tests and the benchmark: a pesantren expo in Jombang,
with a logo, a QRIS image, a signature and a stamp drawn here (no files)."""

import io
import math
from dataclasses import replace
from datetime import date

from PIL import Image, ImageDraw

from booths.billing.draw import (
    BankAccount,
    BillDocument,
    Letterhead,
    Line,
    Party,
    PaymentInstructions,
    ReceiptDocument,
    Signatory,
)

VERIFY_URL = "https://expo.example.id/verify/KW-EXPO26-0007.1500000.Yb3kq9Xv2LmP0sTz"


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def logo_png() -> bytes:
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), fill=(21, 101, 72, 255))
    draw.ellipse((40, 40, 200, 200), fill=(255, 255, 255, 255))
    draw.polygon([(120, 58), (180, 170), (60, 170)], fill=(21, 101, 72, 255))
    return _png(image)


def qris_png() -> bytes:
    import qrcode

    image = qrcode.make("00020101021126570011ID.DANA.WWW011893600915000000000102090000000010303UMI51440014ID")
    return _png(image.get_image().convert("RGB"))


def signature_png() -> bytes:
    image = Image.new("RGBA", (440, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(40 + t * 3.4, 110 + 45 * math.sin(t / 9) * math.cos(t / 23)) for t in range(110)]
    draw.line(points, fill=(20, 30, 110, 255), width=6, joint="curve")
    draw.line([(60, 150), (400, 120)], fill=(20, 30, 110, 255), width=4)
    return _png(image)


def stamp_png() -> bytes:
    image = Image.new("RGBA", (260, 260), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 250, 250), outline=(90, 60, 170, 150), width=10)
    draw.ellipse((50, 50, 210, 210), outline=(90, 60, 170, 150), width=5)
    draw.text((84, 120), "PANITIA", fill=(90, 60, 170, 170))
    return _png(image)


def letterhead(*, logo: bool = True) -> Letterhead:
    return Letterhead(
        organiser_name="Panitia Expo UMKM Pesantren Jombang",
        organiser_address="Jl. KH. Hasyim Asy'ari No. 12, Diwek, Kabupaten Jombang, Jawa Timur 61471",
        expo_name="Expo UMKM Pesantren Jombang 2026",
        expo_start=date(2026, 10, 20),
        expo_end=date(2026, 10, 25),
        venue="Gedung Olahraga Merdeka, Jombang",
        contact="0812-3456-7890 · panitia@expo-jombang.example",
        logo=logo_png() if logo else None,
    )


def treasurer(*, signed: bool = True) -> Signatory:
    return Signatory(
        name="Hj. Siti Khadijah, S.E.",
        place="Jombang",
        signature=signature_png() if signed else None,
        stamp=stamp_png() if signed else None,
    )


def exhibitor() -> Party:
    return Party(
        name="Ahmad Fauzi",
        business="Kopontren Al-Hikmah Sejahtera",
        nib="9120001234567",
        address="Pondok Pesantren Al-Hikmah, Jl. Raya Tebuireng 45, Jombang",
        whatsapp="+62 812-3456-7890",
    )


def invoice(**changes: object) -> BillDocument:
    lines = (
        Line("Sewa stan A-12 (3 × 3 m, paket standar), 20–25 Oktober 2026", 1, 1_500_000, 1_500_000),
        Line("Tambahan daya listrik 450 VA", 2, 150_000, 300_000),
        Line("Meja tambahan", 1, 75_000, 75_000),
    )
    doc = BillDocument(
        letterhead=letterhead(),
        number="INV/EXPO26/0042",
        issued_on=date(2026, 9, 1),
        due_on=date(2026, 9, 8),
        exhibitor=exhibitor(),
        lines=lines,
        subtotal=1_875_000,
        discount=100_000,
        unique_code=217,
        total=1_775_217,
        paid=0,
        outstanding=1_775_217,
        down_payment=500_000,
        payment=PaymentInstructions(
            bank_accounts=(
                BankAccount("Bank Syariah Indonesia", "7123456789", "Panitia Expo UMKM Pesantren"),
                BankAccount("Bank Jatim", "0012345678", "Panitia Expo UMKM Pesantren"),
            ),
            qris=qris_png(),
            cash_place="Sekretariat panitia, Gedung PCNU Jombang lt. 2 (Senin–Jumat 08.00–15.00)",
        ),
        treasurer=treasurer(),
        verify_url=VERIFY_URL.replace("KW-EXPO26-0007.1500000", "INV-EXPO26-0042.1775217"),
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def receipt(**changes: object) -> ReceiptDocument:
    doc = ReceiptDocument(
        letterhead=letterhead(),
        number="KW/EXPO26/0007",
        issued_on=date(2026, 10, 20),
        received_from=exhibitor(),
        amount=1_500_000,
        method="transfer",
        paid_on=date(2026, 10, 19),
        purpose="Pelunasan sewa stan A-12, Expo UMKM Pesantren Jombang 2026",
        treasurer=treasurer(),
        verify_url=VERIFY_URL,
        bill_number="INV/EXPO26/0042",
        reference="BSI 19/10 a.n. Ahmad Fauzi",
        outstanding_after=0,
    )
    return replace(doc, **changes)  # type: ignore[arg-type]
