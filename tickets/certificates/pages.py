"""The exhibitor's certificate download and the public page its QR code opens."""

from typing import Any

import anyio
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors import service as exhibitors
from expo.accounts import CurrentUser
from expo.auth import requires_exhibitor
from expo.errors import NotFound
from expo.i18n import current_locale
from expo.public_url import public_base_url
from expo.settings import Settings
from expo.web import page
from tickets.certificates.draw import CertificateText, render_certificate
from tickets.certificates.service import certificate, verify
from tickets.signing.keys import load_keys


@get("/my-sales/certificate.pdf", include_in_schema=False, guards=[requires_exhibitor])
async def my_certificate(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Response[bytes]:
    exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id)
    if exhibitor is None or exhibitor.id is None:
        raise NotFound("There is no exhibitor registration for this account.", code="exhibitor_not_found")
    cert = await certificate(db_session, exhibitor.id, load_keys(settings.signing_key_file))
    text = CertificateText(
        name=cert.name,
        pesantren=cert.pesantren,
        regency=cert.regency,
        booths=cert.booths,
        expo_name=cert.expo_name,
        venue=cert.venue,
        city=cert.city,
        starts_on=cert.starts_on,
        ends_on=cert.ends_on,
        signer=cert.signer,
        url=public_base_url(request) + cert.path,
        locale=current_locale.get(),
    )
    pdf = await anyio.to_thread.run_sync(render_certificate, text)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="sertifikat.pdf"'},
    )


@get("/c/{exhibitor_id:int}/{key_id:int}/{signature:str}", include_in_schema=False)
async def check_certificate(
    request: Request[Any, Any, Any],
    *,
    exhibitor_id: FromPath[int],
    key_id: FromPath[int],
    signature: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Template:
    cert = await verify(db_session, exhibitor_id, key_id, signature, load_keys(settings.signing_key_file))
    return page(request, "tickets/certificate_check.html", certificate=cert, status_code=200 if cert else 404)


PAGE_HANDLERS = [my_certificate, check_certificate]
