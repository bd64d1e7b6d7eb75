"""Keeping the Babel catalogs in step with the code: ``python -m expo.catalog`` extracts every
message id (Python and Jinja templates) and updates ``expo/locale/*/LC_MESSAGES/messages.po``."""

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from expo.i18n import LOCALE_DIR, SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("expo", "booths", "tickets", "templates")
# Message ids are the first argument of these calls, or the one numbered.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "N_": None,
    "ngettext": (1, 2),
    "NotFound": None,
    "Conflict": None,
    "InvalidInput": None,
    "Forbidden": None,
    "Unauthenticated": None,
    "Busy": None,
    "ValueError": None,
    "FieldProblem": (2,),
    "translate": None,
}
METHOD_MAP = [
    ("**.py", "expo.catalog:extract_python_ast"),
    ("**.html", "jinja2"),
    ("**.svg", "jinja2"),
    ("messages/**.txt", "jinja2"),  # e-mail and WhatsApp texts (templates/messages/)
]
OPTIONS = {
    "**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
    "messages/**.txt": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
}


def extract_python_ast(
    fileobj: IO[bytes], keywords: dict[str, Any], comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str | tuple[str | None, ...], list[str]]]:
    """A Babel extractor that reads the syntax tree, so nested calls such as
    ``Conflict("...", fields=[FieldProblem("nib", "...")])`` yield every message id."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in KEYWORDS:
            continue
        spec = KEYWORDS[name] or (1,)
        # Babel picks the message out of the arguments by the spec's positions, so hand it every
        # argument up to the last position (non-strings as None).
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
            for a in node.args[: max(spec)]
        ]
        if len(args) == max(spec) and all(args[i - 1] for i in spec):
            yield node.lineno, name, args[0] or "" if len(args) == 1 else tuple(args), []


def extract() -> Catalog:
    """Every message id in the source, with where it is used."""
    catalog = Catalog(project="expo", domain="messages")
    for directory in SOURCE_DIRS:
        path = ROOT / directory
        if not path.exists():
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            str(path), METHOD_MAP, OPTIONS, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
        ):
            if not message or (isinstance(message, str) and not message.strip()):
                continue
            if isinstance(message, tuple) and not all(message):
                continue
            catalog.add(message, None, [(f"{directory}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="expo", domain="messages")
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def update() -> dict[str, int]:
    """Merge the extracted ids into every locale's catalog; returns untranslated counts."""
    template = extract()
    missing: dict[str, int] = {}
    for locale in SUPPORTED_LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, omit_header=False, include_previous=False)
        missing[locale] = sum(1 for m in catalog if m.id and not m.string)
    return missing


if __name__ == "__main__":
    for locale, count in update().items():
        print(f"{locale}: {count} untranslated")  # noqa: T201
