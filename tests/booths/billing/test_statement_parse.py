"""Reading bank statements as four Indonesian banks export them (fictional accounts), and files that are not."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from booths.billing.statement import (
    MAX_BYTES,
    MAX_ROWS,
    PROBLEM_AMOUNT,
    PROBLEM_CENTS,
    PROBLEM_COLUMNS,
    PROBLEM_DATE,
    PROBLEM_PENDING,
    PROBLEM_SIDE,
    ParsedStatement,
    parse_statement,
)
from booths.billing.statement_cells import plain_number, read_date, signed_amount
from expo.errors import InvalidInput, TooLarge

DATA = Path(__file__).parent / "statements"


def parse(name: str, **kw: int) -> ParsedStatement:
    return parse_statement((DATA / name).read_bytes(), name, **kw)


def line_of(name: str, text: str) -> int:
    """The 1-based line of the fixture that contains ``text`` (what the treasurer would look for)."""
    lines = (DATA / name).read_bytes().decode("cp1252").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def test_bca_csv_with_account_lines_marker_column_and_dates_without_year() -> None:
    parsed = parse("bca.csv")
    assert parsed.period == (date(2026, 10, 1), date(2026, 10, 31))
    assert [(c.on, c.amount, c.balance) for c in parsed.credits] == [
        (date(2026, 10, 2), 1_500_042, 11_500_042),
        (date(2026, 10, 5), 2_250_117, 13_740_159),
        (date(2026, 10, 6), 500_000, 14_240_159),
        (date(2026, 10, 7), 1_750_331, 15_990_490),
    ]
    assert parsed.credits[1].description == "TRSF E-BANKING CR 0510/FTSCY/WS95051 INV EXPO26 0007 KERIPIK MBOK SRI"
    assert parsed.credits[3].description == "KR OTOMATIS LLG-ANTAR BANK SITI AMINAH, BATIK"  # a quoted comma
    assert parsed.credits[0].line == line_of("bca.csv", "WS95031")
    assert parsed.skipped == 2  # the fee and the cash withdrawal
    # The broken date and the pending line are reported where they are; the totals under the table are not lines.
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (line_of("bca.csv", "SALAH TANGGAL"), PROBLEM_DATE),
        (line_of("bca.csv", "PEND,"), PROBLEM_PENDING),
    ]
    assert "SALAH TANGGAL" in parsed.problems[0].text


def test_bri_semicolons_indonesian_numbers_separate_columns_and_times() -> None:
    parsed = parse("bri.csv")
    assert [(c.on, c.amount, c.description) for c in parsed.credits] == [
        (date(2026, 10, 2), 1_500_042, "TRANSFER DARI CV ANEKA RASA NUSANTARA"),
        (date(2026, 10, 9), 750_118, "NBMB DEWI LESTARI TO PANITIA EXPO; DP BOOTH"),
    ]
    assert parsed.skipped == 1
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (line_of("bri.csv", "BUNGA"), PROBLEM_CENTS),
        (line_of("bri.csv", "satu juta"), PROBLEM_AMOUNT),
    ]


def test_bni_tabs_windows_1252_rupiah_signs_dk_marks_and_month_names() -> None:
    parsed = parse("bni.tsv")
    assert [(c.on, c.amount, c.balance) for c in parsed.credits] == [
        (date(2026, 10, 2), 1_500_042, 11_500_042),
        (date(2026, 8, 20), 2_000_000, 13_400_042),
    ]
    assert parsed.credits[0].description == "TRANSFER DARI KOPI JOSÉ ABADI"
    assert parsed.skipped == 1
    assert [(p.line, p.reason) for p in parsed.problems] == [(line_of("bni.tsv", "TRANSFER MASUK"), PROBLEM_SIDE)]


def october(day: int) -> datetime:
    return datetime(2026, 10, day)  # noqa: DTZ001  (a spreadsheet cell has no time zone)


def mandiri_workbook() -> bytes:
    """Mandiri's MCM export shape: title rows, English headers, real date and number cells (and one text date)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Statement")
    when = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["Account Statement"])
    sheet.write_row(1, 0, ["Account No", "1370012345678 PANITIA EXPO"])
    sheet.write_row(2, 0, ["Period", "01/10/2026 - 31/10/2026"])
    header = [
        "Account No",
        "Ccy",
        "Post Date",
        "Value Date",
        "Transaction Code",
        "Description",
        "Reference No.",
        "Debit",
        "Credit",
    ]
    sheet.write_row(4, 0, header)
    rows = [
        (october(3), "TRF DARI UD SUMBER REJEKI INV/EXPO26/0003", 0, 3_000_271),
        ("20/10/2026", "SKN DARI YAYASAN NURUL HUDA", 0, 1_250_500.0),
        (october(21), "BIAYA ADMIN", 12_500, 0),
        (october(22), "TRF DARI ???", 0, "1.000.000,25"),
    ]
    for offset, (on, text, debit, credit) in enumerate(rows, start=5):
        sheet.write_string(offset, 0, "1370012345678")
        sheet.write_string(offset, 1, "IDR")
        if isinstance(on, datetime):
            sheet.write_datetime(offset, 2, on, when)
        else:
            sheet.write_string(offset, 2, on)
        sheet.write_string(offset, 5, text)
        sheet.write(offset, 7, debit)
        sheet.write(offset, 8, credit)
    book.close()
    return buffer.getvalue()


def test_mandiri_workbook_with_date_and_number_cells() -> None:
    parsed = parse_statement(mandiri_workbook(), "upload")  # the content decides, not the name
    assert [(c.line, c.on, c.amount) for c in parsed.credits] == [
        (6, date(2026, 10, 3), 3_000_271),
        (7, date(2026, 10, 20), 1_250_500),
    ]
    assert parsed.skipped == 1
    assert [(p.line, p.reason) for p in parsed.problems] == [(9, PROBLEM_CENTS)]


def test_one_signed_amount_column_with_iso_dates_and_a_bom() -> None:
    data = b"\xef\xbb\xbf" + (DATA / "generic.csv").read_bytes()
    parsed = parse_statement(data, "mutasi.csv")
    assert [(c.on, c.amount) for c in parsed.credits] == [
        (date(2026, 10, 20), 1_250_500),
        (date(2026, 10, 22), 1_250_500),
    ]
    assert parsed.skipped == 1
    assert parsed.problems == ()


def test_keys_are_stable_across_imports_and_tell_repeated_lines_apart() -> None:
    first, again = parse("bca.csv"), parse("bca.csv")
    assert [c.key for c in first.credits] == [c.key for c in again.credits]
    assert len({c.key for c in first.credits}) == len(first.credits)
    twice = b"Tanggal,Keterangan,Kredit\n20/10/2026,SETORAN,100000\n20/10/2026,SETORAN,100000\n"
    keys = [c.key for c in parse_statement(twice, "x.csv").credits]
    assert len(keys) == 2
    assert keys[0] != keys[1]
    assert keys == [c.key for c in parse_statement(twice, "x.csv").credits]


def test_a_short_line_is_reported_not_dropped() -> None:
    data = b"Tanggal;Keterangan;Debet;Kredit;Saldo\n20/10/2026;SETORAN;0;100000;100000\ncatatan kaki bank\n"
    parsed = parse_statement(data, "x.csv")
    assert len(parsed.credits) == 1
    assert [(p.line, p.reason, p.text) for p in parsed.problems] == [(3, PROBLEM_COLUMNS, "catatan kaki bank")]


def test_dates_without_a_year_take_the_year_given_or_are_reported() -> None:
    data = b"Tanggal,Keterangan,Kredit\n20/10,SETORAN,100000\n"
    assert parse_statement(data, "x.csv", year=2026).credits[0].on == date(2026, 10, 20)
    assert parse_statement(data, "x.csv").problems[0].reason == PROBLEM_DATE


def test_a_period_over_new_year_places_dates_in_it() -> None:
    data = b"Periode : 15/12/2026 - 15/01/2027\nTanggal,Keterangan,Kredit\n'28/12,A,100000\n'03/01,B,200000\n"
    assert [c.on for c in parse_statement(data, "x.csv").credits] == [date(2026, 12, 28), date(2027, 1, 3)]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "x.csv", "statement_empty"),
        (b"Nama,NIB,Kota\nKeripik Mbok Sri,1234567890123,Kediri\n", "peserta.csv", "statement_no_table"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "mutasi.csv", "statement_unreadable"),
        (b"Tanggal,Keterangan,Kredit\n20/10/2026,A,1", "mutasi.xlsx", "statement_unreadable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "mutasi.xls", "statement_unreadable"),
    ],
)
def test_files_that_are_not_statements_get_a_clear_error(data: bytes, name: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_statement(data, name)
    assert caught.value.code == code


def test_a_zip_that_is_no_workbook_and_a_zip_bomb_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InvalidInput) as caught:
        parse_statement(buffer.getvalue(), "mutasi.xlsx")
    assert caught.value.code == "statement_unreadable"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(TooLarge):
        parse_statement(bomb.getvalue(), "mutasi.xlsx")


def test_size_and_row_limits() -> None:
    with pytest.raises(TooLarge):
        parse_statement(b"x" * (MAX_BYTES + 1), "x.csv")
    many = b"Tanggal,Keterangan,Kredit\n" + b"20/10/2026,A,1\n" * MAX_ROWS
    with pytest.raises(InvalidInput) as caught:
        parse_statement(many, "x.csv")
    assert caught.value.code == "statement_too_many_rows"


@pytest.mark.parametrize(
    ("text", "value", "marker"),
    [
        ("1.500.042,00", Decimal("1500042.00"), None),
        ("1,500,042.00", Decimal("1500042.00"), None),
        ("Rp 1.500.042", Decimal(1500042), None),
        ("Rp1.500.042,-", Decimal(1500042), None),  # ",-": whole rupiah
        ("IDR 250,000", Decimal(250000), None),
        ("1500042.00 CR", Decimal("1500042.00"), "CR"),
        ("10,000.00 DB", Decimal("10000.00"), "DB"),
        ("-15000", Decimal(-15000), None),
        ("(15.000)", Decimal(-15000), None),
        ("1.500", Decimal(1500), None),
        ("42,5", Decimal("42.5"), None),
        ("1.234,56", Decimal("1234.56"), None),
        ("1,50,000", None, None),  # not a grouping any bank writes
        ("12.34.567", None, None),
        ("satu juta", None, None),
        ("", None, None),
    ],
)
def test_amount_formats(text: str, value: Decimal | None, marker: str | None) -> None:
    assert signed_amount(text) == (value, marker)


def test_plain_number_refuses_more_than_two_decimals() -> None:
    assert plain_number("1.5") == Decimal("1.5")
    assert plain_number("1,5000") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20/10/2026", date(2026, 10, 20)),
        ("20/10/26", date(2026, 10, 20)),
        ("'20/10", date(2026, 10, 20)),
        ("2026-10-20", date(2026, 10, 20)),
        ("20-Okt-2026", date(2026, 10, 20)),
        ("20 Oktober 2026", date(2026, 10, 20)),
        ("20-Oct-2026", date(2026, 10, 20)),
        ("17-Agt-2026", date(2026, 8, 17)),
        ("20.10.2026", date(2026, 10, 20)),
        ("20/10/2026 13:45:01", date(2026, 10, 20)),
        ("31/02/2026", None),
        ("20/13/2026", None),
        ("20-Foo-2026", None),
        ("kemarin", None),
    ],
)
def test_date_formats(text: str, expected: date | None) -> None:
    assert read_date(text, year=2026) == expected


def indonesian(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_every_way_banks_write_a_whole_amount_reads_back(n: int) -> None:
    for text in (
        f"{n:,}.00",  # 1,500,042.00
        f"{indonesian(n)},00",  # 1.500.042,00
        f"Rp {indonesian(n)}",  # Rp 1.500.042 (1.500 is fifteen hundred, never one and a half)
        f"Rp{indonesian(n)},-",
        f"{n}.00 CR",
        f"IDR {n:,}",
    ):
        value, _ = signed_amount(text)
        assert value == n, text
