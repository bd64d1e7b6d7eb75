"""Public and gate API for passes: public keys, kinds, visitor self-registration, revocation list, verify."""

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.auth import requires_gate
from expo.i18n import current_locale
from expo.settings import Settings
from tickets.gate import staff as gate_staff
from tickets.passes import rendering, visitor
from tickets.passes import service as passes
from tickets.passes.api import download, file_stem, with_token
from tickets.passes.schemas import (
    PassWithToken,
    PublicKeyRead,
    PublicKeys,
    RevocationList,
    VerifyIn,
    VerifyResult,
    VisitorPass,
    VisitorRegistration,
)
from tickets.passes.verify import verify_online
from tickets.signing.keys import load_keys
from tickets.signing.tokens import FORMAT_VERSION


class PublicPassController(Controller):
    """No log-in: what scanners and visitors need."""

    tags = ["passes"]  # noqa: RUF012

    # --- public: keys, kinds, visitors -----------------------------------------------------------
    @get("/api/passes/keys", summary="Public keys that verify pass tokens (for offline scanners)")
    async def public_keys(self, settings: NamedDependency[Settings]) -> PublicKeys:
        ring = load_keys(settings.signing_key_file)
        return PublicKeys(
            token_format=FORMAT_VERSION,
            keys=[
                PublicKeyRead(
                    key_id=k.key_id, public_key=k.public_key, created_at=k.created_at or None, signing=k.signing
                )
                for k in ring.describe()
            ],
        )

    @post(
        "/api/expos/{expo_id:int}/visitors",
        opt={"rate_limit": "visitor"},
        status_code=201,
        summary="Visitor self-registration (no account); returns the pass and its secret link",
    )
    async def register_visitor(
        self,
        expo_id: FromPath[int],
        data: JSONBody[VisitorRegistration],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> VisitorPass:
        pass_, secret = await visitor.register_visitor(db_session, expo_id, data)
        await db_session.commit()
        assert pass_.id is not None
        read = await with_token(db_session, pass_.id, settings)
        return VisitorPass(**read.model_dump(), access_url=f"/p/{secret}")

    @get("/api/visitor-passes/{secret:str}", summary="A visitor's own pass, by the secret of its link")
    async def visitor_pass(
        self, secret: FromPath[str], db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
    ) -> PassWithToken:
        pass_ = await visitor.pass_by_access(db_session, secret)
        assert pass_.id is not None
        return await with_token(db_session, pass_.id, settings)

    @get("/api/visitor-passes/{secret:str}/pass.pdf", summary="A visitor's pass as an A6 PDF")
    async def visitor_pdf(
        self, secret: FromPath[str], db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
    ) -> Response[bytes]:
        pass_ = await visitor.pass_by_access(db_session, secret)
        data = await rendering.pass_pdf(db_session, pass_, load_keys(settings.signing_key_file), current_locale.get())
        return download(data, "application/pdf", f"{file_stem(pass_)}.pdf")

    @get("/api/visitor-passes/{secret:str}/pass.png", summary="A visitor's pass as a PNG for the phone")
    async def visitor_png(
        self, secret: FromPath[str], db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
    ) -> Response[bytes]:
        pass_ = await visitor.pass_by_access(db_session, secret)
        data = await rendering.pass_png(db_session, pass_, load_keys(settings.signing_key_file), current_locale.get())
        return download(data, "image/png", f"{file_stem(pass_)}.png")


class GateController(Controller):
    """What gates fetch to check passes offline, and an online check."""

    tags = ["passes"]  # noqa: RUF012

    @get(
        "/api/expos/{expo_id:int}/passes/revocations",
        guards=[requires_gate],
        summary="Revoked serials after since= (a scanner keeps `next` for its next call)",
    )
    async def revocations(
        self,
        expo_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
        since: FromQuery[Annotated[int, Parameter(ge=0, le=2**31 - 1)]] = 0,
        limit: FromQuery[Annotated[int, Parameter(ge=1, le=10_000)]] = 5000,
    ) -> RevocationList:
        await get_expo(db_session, expo_id)
        await gate_staff.check_expo(db_session, user, expo_id)  # gate staff: their own expo only
        return await passes.revocations_since(db_session, expo_id, since, limit)

    @post(
        "/api/expos/{expo_id:int}/passes/verify",
        guards=[requires_gate],
        status_code=200,
        summary="Check a token online (signature, expo, revocation); admits nobody",
    )
    async def verify(
        self,
        expo_id: FromPath[int],
        data: JSONBody[VerifyIn],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        user: NamedDependency[CurrentUser],
    ) -> VerifyResult:
        await get_expo(db_session, expo_id)
        await gate_staff.check_expo(db_session, user, expo_id)
        return await verify_online(db_session, expo_id, data.token, load_keys(settings.signing_key_file))
