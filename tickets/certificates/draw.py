"""The certificate of participation as a one-page PDF (pure): the exhibitor's name and booth, the expo,
the committee's signature line, and a QR code (vectors) that opens the verification page."""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from expo.fonts import draw_text, register_fonts
from expo.formatting import format_date_range
from expo.i18n import translate
from expo.pdf_text import fit_line

GREEN = colors.HexColor("#1b7f4c")


@dataclass(frozen=True)
class CertificateText:
    name: str
    pesantren: str
    regency: str
    booths: list[str]
    expo_name: str
    venue: str
    city: str
    starts_on: date
    ends_on: date
    signer: str
    url: str  # the verification link the QR code holds
    locale: str


def render_certificate(data: CertificateText) -> bytes:
    fonts = register_fonts()
    out = BytesIO()
    width, height = landscape(A4)
    c = Canvas(out, pagesize=(width, height), invariant=True)

    loc = data.locale

    c.setTitle(translate("Certificate of participation", locale=loc))
    c.setStrokeColor(GREEN)
    c.setLineWidth(6)
    c.rect(24, 24, width - 48, height - 48)
    c.setLineWidth(1)
    c.rect(34, 34, width - 68, height - 68)
    c.setFillColor(GREEN)
    draw_text(c, width / 2, height - 110, translate("CERTIFICATE OF PARTICIPATION", locale=loc), fonts.bold, 30, "c")
    c.setFillColor(colors.black)
    draw_text(c, width / 2, height - 160, translate("is given to", locale=loc), fonts.regular, 14, "c")
    size, line = fit_line(data.name, fonts.bold, max_size=28, min_size=16, box_w=width - 160)
    draw_text(c, width / 2, height - 205, line, fonts.bold, size, "c")
    y = height - 235
    details = " · ".join(p for p in (data.pesantren, data.regency) if p)
    if details:
        draw_text(c, width / 2, y, details, fonts.regular, 12, "c")
        y -= 22
    taking_part = translate(
        "for taking part as an exhibitor at booth %(booth)s in", {"booth": ", ".join(data.booths)}, locale=loc
    )
    draw_text(c, width / 2, y, taking_part, fonts.regular, 14, "c")
    size, line = fit_line(data.expo_name, fonts.bold, max_size=20, min_size=12, box_w=width - 160)
    draw_text(c, width / 2, y - 32, line, fonts.bold, size, "c")
    place = f"{data.venue}, {data.city} · {format_date_range(data.starts_on, data.ends_on, data.locale)}"
    draw_text(c, width / 2, y - 56, place, fonts.regular, 12, "c")

    # The committee's signature line (right) and the QR code that proves the certificate (left).
    c.line(width - 300, 110, width - 90, 110)
    draw_text(c, width - 195, 94, data.signer or translate("The committee", locale=loc), fonts.bold, 11, "c")
    draw_text(
        c,
        width - 195,
        80,
        translate("for the committee of %(expo)s", {"expo": data.expo_name[:60]}, locale=loc),
        fonts.regular,
        8,
        "c",
    )
    qr = QrCodeWidget(data.url)
    qr.barLevel = "M"
    x0, y0, x1, y1 = qr.getBounds()
    size = 96.0
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, c, 70, 60)
    draw_text(c, 176, 110, translate("Scan to check this certificate", locale=loc), fonts.regular, 8)
    draw_text(c, 176, 98, data.url[:90], fonts.regular, 6)
    c.showPage()
    c.save()
    return out.getvalue()
