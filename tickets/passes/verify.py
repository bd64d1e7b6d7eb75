"""What a gate learns from a token when it is online: genuine, of this expo, and not revoked.

Offline, a scanner does the same with the public keys and its copy of the revocation list; this
does not admit anyone (check-ins are their own service).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from tickets.passes.kinds import ensure_kinds
from tickets.passes.schemas import VerifyResult
from tickets.passes.service import find_by_serial, format_code
from tickets.passes.validity import is_valid
from tickets.signing import tokens
from tickets.signing.keys import KeyRing


async def verify_online(session: AsyncSession, expo_id: int, token: str, keys: KeyRing) -> VerifyResult:
    try:
        claims = tokens.verify(token.strip(), keys.public_keys(), expo_id)
    except tokens.TokenError as exc:
        return VerifyResult(valid=False, code=exc.code)
    kinds = {k.number: k.code for k in await ensure_kinds(session, expo_id)}
    base = VerifyResult(
        valid=False, code="ok", serial=claims.serial, kind=kinds.get(claims.kind), days=list(claims.days)
    )
    pass_, revoked = await find_by_serial(session, expo_id, claims.serial)
    if pass_ is None:
        return base.model_copy(update={"code": "unknown_serial"})
    found = base.model_copy(
        update={"pass_id": pass_.id, "holder_name": pass_.holder_name, "pass_code": format_code(pass_.code)}
    )
    if revoked or not await is_valid(session, pass_):
        return found.model_copy(update={"code": "revoked"})
    return found.model_copy(update={"valid": True})
