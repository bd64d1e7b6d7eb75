"""The public page a document's QR code leads to: is this invoice or receipt genuine?

It shows only what the paper itself shows of the business: the document's number, the expo, the
business name, the amount and the date; never a person, an address or a contact. Anyone may ask, so
the answer is the same page whether the link was altered, made up or signed with another key.
"""

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing.documents import verify_token
from booths.billing.verification import derive_key
from expo.settings import Settings
from expo.web import page


@get("/verify/{token:str}", include_in_schema=False)
async def verify_document(
    request: Request[Any, Any, Any],
    token: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Template:
    verdict = await verify_token(db_session, derive_key(settings.resolved_secret_key()), token)
    return page(request, "billing/verify.html", verdict=verdict)


PAGE_HANDLERS = [verify_document]
