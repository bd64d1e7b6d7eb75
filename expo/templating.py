"""The Jinja environment: translations through Babel catalogs, money and time filters."""

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from expo.formatting import format_date, format_date_range, format_datetime, format_rupiah
from expo.i18n import current_locale, gettext, ngettext

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = TEMPLATES_DIR / "static"


def _fmt_datetime(value: datetime | None, tz: str = "Asia/Jakarta") -> str:
    return format_datetime(value, tz) if value else ""


def _fmt_date(value: date | None, fmt: str = "d MMMM y") -> str:
    return format_date(value, fmt=fmt) if value else ""


def build_environment(extra_globals: Mapping[str, Any] | None = None) -> Environment:
    """The environment; ``extra_globals`` are the domains' helpers for templates (their labels), given by
    the composition root so that the platform imports no domain."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["rupiah"] = format_rupiah
    env.filters["wib"] = _fmt_datetime
    env.filters["date"] = _fmt_date
    env.globals["date_range"] = format_date_range
    env.globals["current_locale"] = current_locale.get
    env.globals.update(extra_globals or {})
    return env


def template_config(extra_globals: Mapping[str, Any] | None = None) -> TemplateConfig[JinjaTemplateEngine]:
    env = build_environment(extra_globals)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))
