"""Visitors register themselves (no account) and get their pass back with a secret link.

The link carries a random secret; only its SHA-256 is stored, so neither the database nor a pass
id leads to anyone's pass, and guessing a link is hopeless.
"""

import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.lifecycle import check_not_over, expo_today
from booths.venue.service import expo_days, get_expo
from expo.errors import Conflict, NotFound
from expo.formatting import utcnow
from tickets.passes.kinds import allowed_days, check_days, ensure_kinds
from tickets.passes.models import ExpoPass
from tickets.passes.schemas import VisitorRegistration
from tickets.passes.service import issue

ACCESS_SECRET_BYTES = 24


def access_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def register_visitor(session: AsyncSession, expo_id: int, data: VisitorRegistration) -> tuple[ExpoPass, str]:
    """Issue a visitor pass for the chosen days; returns it and the secret of its link (shown once).
    An expo that is over, and days that are over, are refused."""
    expo = await get_expo(session, expo_id)
    check_not_over(expo)
    kind = next((k for k in await ensure_kinds(session, expo_id) if k.self_register), None)
    if kind is None:
        raise Conflict("Visitor registration is closed for this expo.", code="registration_closed")
    days = check_days(data.days, allowed_days(kind, await expo_days(session, expo_id)), expo_today(expo))
    secret = secrets.token_urlsafe(ACCESS_SECRET_BYTES)
    pass_ = await issue(
        session,
        expo_id,
        kind,
        holder_name=data.holder_name,
        days=days,
        actor=None,
        phone=data.phone,
        email=data.email,
        regency=data.regency,
        visitor_category=data.category,
        access_hash=access_digest(secret),
        note="self-registration",
    )
    if data.shares_contact:  # only ever by the visitor's own explicit choice; off otherwise
        set_contact_consent(pass_, shares=True)
    return pass_, secret


def set_contact_consent(pass_: ExpoPass, *, shares: bool) -> None:
    """Give or withdraw the visitor's consent that exhibitors who scan the pass see its contact.
    Leads read the contact from the pass, so a withdrawal takes it out of every list and export at
    once. The pass's ``updated_at`` stays: gates do not care, and their change cursor need not move."""
    if bool(pass_.shares_contact) == shares:
        return
    pass_.shares_contact = shares
    pass_.contact_consent_at = utcnow() if shares else None


async def pass_by_access(session: AsyncSession, secret: str) -> ExpoPass:
    if not secret or len(secret) > 100:
        raise NotFound("No such pass.", code="pass_not_found")
    pass_ = await session.scalar(sa.select(ExpoPass).where(col(ExpoPass.access_hash) == access_digest(secret)))
    if pass_ is None:
        raise NotFound("No such pass.", code="pass_not_found")
    return pass_
