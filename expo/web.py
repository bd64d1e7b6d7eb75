"""Web plumbing shared by every domain: the request's language, and how pages answer."""

from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from expo.auth import current_user
from expo.errors import FieldProblem, InvalidInput, TooLarge
from expo.i18n import LOCALE_COOKIE, current_locale, negotiate_locale


class LocaleMiddleware:
    """Picks the language for this request (``?lang=``, cookie, Accept-Language, else Indonesian)
    and remembers an explicit ``?lang=`` choice in a cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        query = _query_param(scope.get("query_string", b""), "lang")
        cookie = accept = None
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    key, _, val = part.strip().partition("=")
                    if key == LOCALE_COOKIE:
                        cookie = val
            elif name == b"accept-language":
                accept = value.decode("latin-1")
        locale = negotiate_locale(query, cookie, accept)
        # Not reset afterwards: error handlers outside this middleware still need the language,
        # and every request sets it again before anything reads it.
        current_locale.set(locale)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and query and query == locale and cookie != locale:
                header = Cookie(key=LOCALE_COOKIE, value=locale, max_age=365 * 86400, samesite="lax").to_header(
                    header=""
                )
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"set-cookie", header.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _query_param(query_string: bytes, name: str) -> str | None:
    from urllib.parse import parse_qs

    values = parse_qs(query_string.decode("latin-1")).get(name)
    return values[0] if values else None


def lang_query(request: Request[Any, Any, Any], locale: str) -> str:
    """The current query string with ``lang`` switched, so a language switch keeps the page's state."""
    from urllib.parse import urlencode

    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return urlencode([*pairs, ("lang", locale)])


def page(request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any) -> Template:
    """Render a page with what every template needs: the user, the CSRF token and the language."""
    base = {
        "request": request,
        "user": current_user(request),
        "csrf_token": request.scope.get("_csrf_token") or _csrf_token(request),
        "locale": current_locale.get(),
        "path": request.url.path,
        "lang_query": lang_query,
    }
    return Template(template_name=template, context=base | context, status_code=status_code)


def _csrf_token(request: Request[Any, Any, Any]) -> str:
    from litestar.utils.scope.state import ScopeState

    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


def redirect(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """Pages answer HTML; the API, the schema and health answer JSON."""
    path = request.url.path
    if path.startswith(("/api", "/schema", "/health")):
        return False
    return "text/html" in request.headers.get("accept", "") or request.method in {"GET", "POST"}


async def read_upload(request: Request[Any, Any, Any], max_bytes: int) -> bytes:
    """An uploaded file's bytes (CSV imports) from a ``text/csv`` body or a multipart form's ``file`` field."""
    content_type = request.headers.get("content-type", "")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + 10_000:
        raise TooLarge(params={"max": max_bytes})
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput(fields=[FieldProblem("file", "Attach a CSV file.")])
        raw: bytes = await upload.read()
    else:
        raw = await request.body()
    if len(raw) > max_bytes:
        raise TooLarge(params={"max": max_bytes})
    return raw
