"""The demo's documents: the three exhibitors who signed up themselves send their papers through the
upload service, and the organiser reviews them through the desk's service, so the desk's queue has one
waiting, the exhibitor's page shows one asked again with its reason, and profiles show verified badges.

The files are small PDFs drawn here with reportlab (fictional numbers and names) and one product photo
drawn with Pillow: no real document is ever part of the demo.
"""

import io
from datetime import date, timedelta

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from booths.demo.context import Demo
from booths.documents import service as documents
from booths.documents.models import DocumentKind
from booths.exhibitors.models import Exhibitor
from expo.accounts import CurrentUser
from expo.storage import Storage
from expo.uploads import IMAGES_AND_PDF, check_upload

MAX_BYTES = 5 * 1024 * 1024


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF that looks like a printout: a title and a few lines (same bytes every run)."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=A4, invariant=True)
    width, height = A4
    sheet.setFont("Helvetica-Bold", 16)
    sheet.drawString(72, height - 96, title)
    sheet.setFont("Helvetica", 11)
    for i, line in enumerate(lines):
        sheet.drawString(72, height - 132 - i * 18, line)
    sheet.setFont("Helvetica-Oblique", 9)
    sheet.drawString(72, 72, "CONTOH - data fiktif untuk demo, bukan dokumen resmi")
    sheet.rect(60, 60, width - 120, height - 120)
    sheet.showPage()
    sheet.save()
    return out.getvalue()


def demo_photo(text: str) -> bytes:
    image = Image.new("RGB", (800, 600), (236, 222, 196))
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 150, 600, 450), fill=(176, 112, 58))
    draw.text((220, 470), text, fill=(60, 40, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


async def _send(
    demo: Demo,
    storage: Storage,
    exhibitor: Exhibitor,
    owner: CurrentUser,
    kind: DocumentKind,
    data: bytes,
    *,
    number: str = "",
    issued_on: date | None = None,
    expires_on: date | None = None,
    name: str = "dokumen.pdf",
) -> int:
    assert exhibitor.id is not None
    checked = check_upload(data, allowed=IMAGES_AND_PDF, max_bytes=MAX_BYTES)
    entry = documents.DocumentIn(kind=kind, number=number, issued_on=issued_on, expires_on=expires_on, file_name=name)
    document = await documents.submit_document(
        demo.session, storage, exhibitor.id, user=owner, data=entry, file=checked
    )
    assert document.id is not None
    return document.id


async def seed_demo_documents(
    demo: Demo, signed_up: list[tuple[Exhibitor, CurrentUser]], storage: Storage
) -> dict[str, int]:
    """Documents of the self-signed exhibitors (a pesantren, a Koppontren, a UMKM), reviewed by the
    organiser: approved ones, one waiting, one asked again."""
    made = {"documents": 0, "documents_waiting": 0}
    issued = demo.today - timedelta(days=400)
    for exhibitor, owner in signed_up:
        nib = await _send(
            demo, storage, exhibitor, owner, DocumentKind.NIB,
            demo_pdf("Nomor Induk Berusaha", [f"NIB: {exhibitor.nib}", f"Nama usaha: {exhibitor.name}",
                                              f"Lokasi: {exhibitor.regency}"]),
            number=exhibitor.nib, issued_on=issued, name="NIB-OSS.pdf",
        )  # fmt: skip
        await documents.approve_document(demo.session, nib, demo.expo_id, actor=demo.org)
        made["documents"] += 1
        if exhibitor.pesantren_name:
            letter = await _send(
                demo, storage, exhibitor, owner, DocumentKind.INSTITUTION_LETTER,
                demo_pdf("Surat Keterangan", [f"{exhibitor.pesantren_name}", f"menerangkan bahwa {exhibitor.name}",
                                              "adalah unit usaha pesantren."]),
                issued_on=demo.today - timedelta(days=30), expires_on=demo.today + timedelta(days=335),
                name="surat-keterangan.pdf",
            )  # fmt: skip
            made["documents"] += 1
            if exhibitor.exhibitor_class == "koperasi":
                await documents.approve_document(demo.session, letter, demo.expo_id, actor=demo.org)
            else:  # the pesantren's letter waits in the desk's queue
                made["documents_waiting"] += 1
        if exhibitor.exhibitor_class == "koperasi":  # the demo exhibitor log-in: a halal badge, and a P-IRT asked again
            halal = await _send(
                demo, storage, exhibitor, owner, DocumentKind.HALAL,
                demo_pdf("Sertifikat Halal", ["Nomor: ID35110000123450126", f"Pelaku usaha: {exhibitor.name}"]),
                number="ID35110000123450126", issued_on=issued, expires_on=issued + timedelta(days=4 * 365),
                name="sertifikat-halal.pdf",
            )  # fmt: skip
            await documents.approve_document(demo.session, halal, demo.expo_id, actor=demo.org)
            pirt = await _send(
                demo, storage, exhibitor, owner, DocumentKind.PIRT,
                demo_photo("SPP-IRT"), number="2063517010123-26", name="pirt.jpg",
            )  # fmt: skip
            await documents.return_document(
                demo.session, pirt, demo.expo_id, actor=demo.org, resubmit=True,
                reason="Foto terlalu gelap, nomor P-IRT tidak terbaca. Mohon foto ulang di tempat terang.",
            )  # fmt: skip
            made["documents"] += 2
        if exhibitor.exhibitor_class == "umkm":
            await _send(
                demo, storage, exhibitor, owner, DocumentKind.PRODUCT_PHOTO, demo_photo("Produk unggulan"),
                name="produk.jpg",
            )  # fmt: skip
            made["documents"] += 1
            made["documents_waiting"] += 1
    return made
