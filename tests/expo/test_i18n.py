"""Translations and formats: the catalogs cover the code, Indonesian is the default, rupiah and WIB."""

import re
from datetime import UTC, date, datetime

import pytest

from expo.catalog import extract, load
from expo.formatting import format_date_range, format_datetime, format_rupiah
from expo.i18n import negotiate_locale, translate

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_message_in_the_code_has_an_indonesian_translation() -> None:
    catalog = load("id")
    missing = [m.id for m in extract() if m.id and not (catalog.get(m.id) and catalog.get(m.id).string)]
    assert missing == [], "run `make messages` and translate these in expo/locale/id/LC_MESSAGES/messages.po"


def test_translations_keep_their_placeholders() -> None:
    for message in load("id"):
        if message.id and message.string and isinstance(message.id, str):
            assert set(_PLACEHOLDER.findall(message.id)) == set(_PLACEHOLDER.findall(str(message.string))), message.id


def test_indonesian_is_the_default_and_english_is_a_switch() -> None:
    assert negotiate_locale(None, None, None) == "id"
    assert negotiate_locale("en", "id", "id-ID") == "en"
    assert negotiate_locale(None, "en", "id") == "en"
    assert negotiate_locale(None, None, "en-US,en;q=0.9") == "en"
    assert negotiate_locale(None, None, "fr-FR,ms;q=0.8") == "id"
    assert negotiate_locale("xx", "yy", "zz") == "id"
    assert translate("No such booth.", locale="id") == "Stand tidak ditemukan."
    assert translate("No such booth.", locale="en") == "No such booth."
    assert translate("Booth %(code)s is not for booking.", {"code": "A-01"}, "id") == "Stand A-01 tidak dapat dipesan."


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1_500_000, "Rp1.500.000"),
        (0, "Rp0"),
        (750, "Rp750"),
        (-25_000, "-Rp25.000"),
        (10_000_000_000, "Rp10.000.000.000"),
    ],
)
def test_rupiah_is_written_the_indonesian_way(amount: int, text: str) -> None:
    assert format_rupiah(amount) == text


def test_times_are_stored_utc_and_shown_in_wib() -> None:
    assert format_datetime(datetime(2026, 10, 20, 2, 0, tzinfo=UTC), locale="id") == "20 Okt 2026 09.00 WIB"
    naive = datetime(2026, 10, 20, 2, 0)  # noqa: DTZ001  (SQLite gives UTC back without a zone)
    assert format_datetime(naive, locale="en").endswith("09.00 WIB")
    assert format_date_range(date(2026, 10, 20), date(2026, 10, 25), "id") == "20–25 Oktober 2026"
