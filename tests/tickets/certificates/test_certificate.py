"""The certificate of participation: an exhibitor with a confirmed booth downloads a one-page PDF with
its name and booth; its QR code opens a page confirming it; an altered link is not confirmed; without
a confirmed booth there is no certificate."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.factories import make_venue, signup_exhibitor
from tests.support.pages import shown as t
from tests.support.passes import decode_qr_codes, log_in_as, pdf_text
from tests.support.sales import exhibitor_with_booth

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def test_a_certificate_with_a_qr_code_the_committee_confirms(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    exhibitor, _, token = await exhibitor_with_booth(client, session, venue, 0, name="Sambal Bu Ani")
    log_in_as(client, token)
    response = await client.get("/my-sales/certificate.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert len(text) == 1
    assert "Sambal Bu Ani" in text[0]
    assert "A-01" in text[0]
    assert venue.expo.name in text[0]
    codes = decode_qr_codes(response.content)
    assert len(codes[0]) == 1
    url = codes[0][0]
    assert f"/c/{exhibitor.id}/" in url
    path = url[url.index("/c/") :]
    client.cookies.clear()
    checked = await client.get(path)
    assert checked.status_code == 200
    assert t("This certificate was issued by the committee.") in checked.text
    assert "Sambal Bu Ani" in checked.text
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    refused = await client.get(tampered)
    assert refused.status_code == 404
    assert "Sambal Bu Ani" not in refused.text
    other = path.replace(f"/c/{exhibitor.id}/", f"/c/{(exhibitor.id or 0) + 1}/")
    assert (await client.get(other)).status_code == 404


async def test_no_certificate_without_a_confirmed_booth(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _, token = await signup_exhibitor(client, venue.expo_id)
    log_in_as(client, token)
    response = await client.get("/my-sales/certificate.pdf")
    assert response.status_code == 409
