"""The main pages run in headless Debian chromium under the Content-Security-Policy with no violation:
no inline script, no ``javascript:`` link, no ``on*=`` handler, nothing from another origin."""

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from booths.demo.published import DEMO_SLUG, ORGANISER_EMAIL
from booths.venue.service import expo_days, get_expo_by_slug
from expo.accounts import start_session
from expo.auth import SESSION_COOKIE
from expo.cli import _seed_demo_if_empty
from expo.database import create_engine, create_sessionmaker
from expo.messaging import queue_message
from expo.models import User
from expo.settings import Settings
from tests.support.browser import PHONE, chromium_or_skip, launch
from tickets.passes import visitor
from tickets.passes.schemas import VisitorRegistration

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

# Collects what the browser reports, from the first script on (before any page script runs).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = (e.sourceFile || "") + ":" + e.lineNumber;
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + where);
});
"""


async def _seed(settings: Settings) -> tuple[str, str, int]:
    """The demo expo, a visitor's secret link, an organiser's session token and an e-mail message."""
    await _seed_demo_if_empty(settings)
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            expo = await get_expo_by_slug(session, DEMO_SLUG)
            assert expo.id is not None
            day = (await expo_days(session, expo.id))[0].day
            registration = VisitorRegistration.model_validate(
                {"holder_name": "Nur Aini", "regency": "Jombang", "category": "santri", "days": [day.isoformat()]}
            )
            _pass, secret = await visitor.register_visitor(session, expo.id, registration)
            organiser = await session.scalar(sa.select(User).where(col(User.email) == ORGANISER_EMAIL))
            assert organiser is not None
            token = await start_session(session, organiser, 1)
            context = {"name": "Nur", "title": "Stan dikonfirmasi", "body": "Stan A-01.", "link": "https://x.test/"}
            [message_id] = await queue_message(
                session,
                kind="k",
                template="notice",
                context=context,
                key="csp",
                email="nur@example.com",
                expo_id=expo.id,
            )
            await session.commit()
            return secret, token, message_id
    finally:
        await engine.dispose()


async def test_main_pages_run_without_csp_violations(served_app: str, served_settings: Settings) -> None:
    secret, token, message_id = await _seed(served_settings)
    pages = [
        "/",
        f"/e/{DEMO_SLUG}",
        f"/e/{DEMO_SLUG}/booths",
        f"/e/{DEMO_SLUG}/map",
        "/gate",
        f"/p/{secret}",
        "/login",
        "/tidak-ada",  # the error page and its "go back" link
        f"/admin/e/{DEMO_SLUG}/gates",
        f"/admin/e/{DEMO_SLUG}/gates/setup",
        f"/admin/e/{DEMO_SLUG}/map",
        f"/admin/e/{DEMO_SLUG}/jobs",
        f"/admin/e/{DEMO_SLUG}/messages",
        "/admin/outbox",
        f"/admin/messages/{message_id}",  # the message's own HTML in a sandboxed frame
    ]
    async with launch(chromium_or_skip()) as browser:
        context = await browser.new_context(viewport=PHONE, locale="id-ID")
        context.set_default_timeout(15_000)
        host = served_app.removeprefix("http://").split(":")[0]
        await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "domain": host, "path": "/"}])
        await context.add_init_script(WATCH)
        page = await context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda message: (
                problems.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text or "Refused to" in message.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
        for path in pages:
            response = await page.goto(served_app + path, wait_until="load")
            assert response is not None
            assert response.status in {200, 404}, path
            assert "content-security-policy" in response.headers, path
            await page.wait_for_timeout(300)  # let deferred scripts and the service worker start
            violations: list[Any] = await page.evaluate("window.__csp")
            problems += [f"{path}: {v}" for v in violations]
        # The error page's "go back" link works without inline script.
        await page.goto(served_app + "/gate")
        await page.goto(served_app + "/tidak-ada")
        await page.click("[data-back]")
        await page.wait_for_url(served_app + "/gate")
        await context.close()
    assert problems == []
