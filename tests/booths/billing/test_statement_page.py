"""The treasurer's bank statement page: import, proposals, approval into the ledger (once), and who may."""

import asyncio
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from booths.billing.bills import bill_of_booking
from booths.billing.ledger import record_payment, reverse_payment
from booths.billing.models import Bill, BillStatus, Payment, PaymentMethod, PaymentSource
from booths.billing.statement_import import approve_lines
from booths.billing.statement_models import StatementLine
from booths.bookings.models import Booking, BookingStatus
from expo.accounts import system_user
from expo.database import create_sessionmaker
from expo.formatting import utcnow
from expo.models import AuditEntry, CommitteeRole, Role
from tests.support.factories import Venue, bearer, make_member_token, make_user_token, make_venue, signup_exhibitor
from tests.support.pages import shown
from tests.support.passes import Client, log_in_as

pytestmark = pytest.mark.anyio


async def _held_bill(client: Client, session: AsyncSession, venue: Venue, booth: int, name: str) -> Bill:
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm", name=name)
    response = await client.post(f"/api/booths/{venue.booth_ids[booth]}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    bill = await bill_of_booking(session, int(response.json()["id"]))
    assert bill is not None
    return bill


def _statement(*rows: tuple[str, str, int]) -> bytes:
    """A BCA-style export: account lines, the table (date, description, branch, amount, CR/DB, balance), totals."""
    lines = [
        "No. rekening : 0123456789",
        "Nama : PANITIA EXPO UJI",
        "Kode Mata Uang : Rp",
        "",
        "Tanggal Transaksi,Keterangan,Cabang,Jumlah,,Saldo",
    ]
    balance = 10_000_000
    for day, text, amount in rows:
        balance += amount
        lines.append(f"'{day},{text},'0000,{amount}.00,CR,{balance}.00")
    lines.append(f"Saldo Akhir,{balance}.00")
    return ("\r\n".join(lines) + "\r\n").encode()


async def _upload(client: Client, slug: str, data: bytes, name: str = "mutasi.csv") -> httpx.Response:
    page = f"/admin/e/{slug}/payments/statement"
    opened = await client.get(page)
    assert opened.status_code == 200, opened.text
    token = client.cookies.get("csrftoken")
    assert token
    return await client.post(page, data={"_csrf_token": token}, files={"file": (name, data, "text/csv")})


async def _approve(client: Client, slug: str, fields: list[tuple[str, Any]]) -> httpx.Response:
    token = client.cookies.get("csrftoken")
    assert token
    return await client.post(
        f"/admin/e/{slug}/payments/statement/approve",
        content=httpx.QueryParams([*fields, ("_csrf_token", token)]).__str__().encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


async def _lines(session: AsyncSession, expo_id: int) -> list[StatementLine]:
    stmt = (
        sa.select(StatementLine)
        .where(col(StatementLine.expo_id) == expo_id)
        .order_by(col(StatementLine.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


async def _payments(session: AsyncSession, bill_id: int | None) -> list[Payment]:
    stmt = sa.select(Payment).where(col(Payment.bill_id) == bill_id).execution_options(populate_existing=True)
    return list((await session.scalars(stmt)).all())


async def test_the_treasurer_imports_approves_once_and_the_booking_is_confirmed(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    sri = await _held_bill(client, session, venue, 0, "Keripik Mbok Sri")
    budi = await _held_bill(client, session, venue, 1, "Batik Budi Jaya")
    assert sri.total != budi.total  # the unique codes tell them apart
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    slug = venue.expo.slug
    data = _statement(
        ("02/10", f"TRSF E-BANKING CR 0210/FTSCY/WS95031 {sri.total}.00 KERIPIK MBOK SRI", sri.total),
        ("03/10", f"TRSF E-BANKING CR 0310/FTSCY/WS95032 {budi.number.replace('/', ' ')}", budi.total),
        ("04/10", "SETORAN TUNAI HAMBA ALLAH", 123_000),
        ("45/10", "TRSF E-BANKING CR TANGGAL RUSAK", 50_000),
    )
    imported = await _upload(client, slug, data)
    assert imported.status_code == 200, imported.text
    text = imported.text
    assert (
        shown(
            "Lines that could not be read: %(n)s. Look them up in the statement from the bank; "
            "a payment among them can be recorded at its bill.",
            n=1,
        )
        in text
    )
    assert shown("The date cannot be read.") in text
    assert "TANGGAL RUSAK" in text
    assert f'href="/admin/e/{slug}/payments/bills/{sri.id}">{sri.number}</a>' in text
    assert budi.number in text
    assert "Keripik Mbok Sri" in text
    lines = await _lines(session, venue.expo_id)
    assert [line.amount for line in lines] == [sri.total, budi.total, 123_000]
    sri_line, budi_line, unknown = lines
    assert f'id="line-{unknown.id}"' in text.split('id="unmatched"')[1]  # listed as a transfer without a bill

    approved = await _approve(
        client,
        slug,
        [
            ("line", sri_line.id),
            (f"bill_{sri_line.id}", sri.id),
            ("line", budi_line.id),
            (f"bill_{budi_line.id}", budi.id),
        ],
    )
    assert approved.status_code == 303, approved.text
    assert approved.headers["location"] == f"/admin/e/{slug}/payments/statement?msg=approved&n=2"
    [payment] = await _payments(session, sri.id)
    assert (payment.amount, payment.source, payment.method) == (
        sri.total,
        PaymentSource.STATEMENT,
        PaymentMethod.TRANSFER,
    )
    assert payment.receipt_number
    fresh = await session.get(Bill, sri.id, populate_existing=True)
    assert fresh is not None
    assert fresh.status == BillStatus.PAID
    booking = await session.get(Booking, sri.booking_id, populate_existing=True)
    assert booking is not None
    assert booking.status == BookingStatus.CONFIRMED
    entries = (await session.scalars(sa.select(AuditEntry).where(col(AuditEntry.action) == "payment.recorded"))).all()
    assert len(entries) == 2

    # The same approval posted again (a double click, a second tab) pays nothing more.
    again = await _approve(client, slug, [("line", sri_line.id), (f"bill_{sri_line.id}", sri.id)])
    assert again.status_code == 303
    assert again.headers["location"].endswith("msg=approved&n=0")
    assert len(await _payments(session, sri.id)) == 1
    # The same statement imported again adds no line, and the approved ones stay approved.
    reimported = await _upload(client, slug, data)
    assert reimported.status_code == 200
    assert len(await _lines(session, venue.expo_id)) == 3
    assert f'name="line" value="{sri_line.id}"' not in reimported.text
    assert payment.receipt_number in reimported.text.split('id="approved"')[1]
    assert len(await _payments(session, sri.id)) == 1
    page = await client.get(f"/admin/e/{slug}/payments/statement?msg=approved&n=2")
    assert shown("Transfers recorded as payments: %(n)s.", n=2) in page.text


async def test_a_bill_paid_meanwhile_refuses_the_approval_with_the_transfer_named(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    bill = await _held_bill(client, session, venue, 0, "Sambal Bu Rini")
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    assert (
        await _upload(client, venue.expo.slug, _statement(("05/10", "TRF SAMBAL BU RINI", bill.total)))
    ).status_code == 200
    [line] = await _lines(session, venue.expo_id)
    # Paid at the desk before the treasurer approves the statement line.
    assert bill.id is not None
    await record_payment(
        session, bill.id, amount=bill.total, method=PaymentMethod.CASH, paid_on=utcnow().date(), actor=system_user()
    )
    await session.commit()
    refused = await _approve(client, venue.expo.slug, [("line", line.id), (f"bill_{line.id}", bill.id)])
    assert refused.status_code == 409
    assert shown("Bill %(number)s is already paid.", number=bill.number) in refused.text
    assert "Rp" in refused.text
    assert len(await _payments(session, bill.id)) == 1
    assert (await _lines(session, venue.expo_id))[0].payment_id is None  # rolled back: still waiting


async def test_lines_and_bills_of_another_expo_are_not_found(client: Client, session: AsyncSession) -> None:
    ours, theirs = await make_venue(session), await make_venue(session)
    bill = await _held_bill(client, session, ours, 0, "Madu Hutan Lestari")
    other_bill = await _held_bill(client, session, theirs, 0, "Kopi Gayo Asli")
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    await _upload(client, ours.expo.slug, _statement(("06/10", "TRF MADU", bill.total)))
    [line] = await _lines(session, ours.expo_id)
    foreign_bill = await _approve(client, ours.expo.slug, [("line", line.id), (f"bill_{line.id}", other_bill.id)])
    assert foreign_bill.status_code == 404
    foreign_line = await _approve(client, theirs.expo.slug, [("line", line.id), (f"bill_{line.id}", bill.id)])
    assert foreign_line.status_code == 404
    nothing = await _approve(client, ours.expo.slug, [])
    assert nothing.status_code == 422
    assert shown("Tick at least one transfer and choose its bill.") in nothing.text
    unchosen = await _approve(client, ours.expo.slug, [("line", line.id), (f"bill_{line.id}", "")])
    assert unchosen.status_code == 422
    assert shown("Choose the bill for each ticked transfer that fits several.") in unchosen.text
    assert await _payments(session, bill.id) == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
            "bukti.png",
            "This file is not a CSV or XLSX bank statement. Export the statement (mutasi) as CSV or XLSX.",
        ),
        (
            b"Nama,NIB,Kota\nKeripik Mbok Sri,1234567890123,Kediri\n",
            "peserta.csv",
            "This file does not look like a bank statement: no line names the columns (date, description, "
            "and amount or credit). Export the statement (mutasi) from the bank as CSV or XLSX.",
        ),
        (b"", "kosong.csv", "The file is empty."),
    ],
)
async def test_a_wrong_file_gets_a_readable_message(
    client: Client, session: AsyncSession, data: bytes, name: str, message: str
) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    response = await _upload(client, venue.expo.slug, data, name)
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    assert shown(message) in response.text
    assert await _lines(session, venue.expo_id) == []


async def test_a_file_too_large_is_refused_on_the_page(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    response = await _upload(client, venue.expo.slug, b"a" * (5 * 1024 * 1024 + 10))
    assert response.status_code == 413
    assert shown("The file is too large (at most %(max)s bytes).", max=5 * 1024 * 1024) in response.text


@pytest.mark.parametrize("role", [CommitteeRole.GATE_STAFF, CommitteeRole.GATE_LEAD, CommitteeRole.REGISTRATION])
async def test_committee_roles_without_payments_are_refused(
    client: Client, session: AsyncSession, role: CommitteeRole
) -> None:
    venue = await make_venue(session)
    bill = await _held_bill(client, session, venue, 0, "Tenun Ikat Sumba")
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    await _upload(client, venue.expo.slug, _statement(("07/10", "TRF TENUN", bill.total)))
    [line] = await _lines(session, venue.expo_id)
    log_in_as(client, await make_member_token(session, venue.expo_id, role))
    page = f"/admin/e/{venue.expo.slug}/payments/statement"
    assert (await client.get(page)).status_code == 403
    await client.get(f"/admin/e/{venue.expo.slug}")  # any page, for the CSRF cookie
    assert (
        await _approve(client, venue.expo.slug, [("line", line.id), (f"bill_{line.id}", bill.id)])
    ).status_code == 403
    assert await _payments(session, bill.id) == []


async def test_an_exhibitor_is_refused(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    bill = await _held_bill(client, session, venue, 0, "Batik Tulis Lasem")
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    log_in_as(client, token)
    page = f"/admin/e/{venue.expo.slug}/payments/statement"
    assert (await client.get(page)).status_code == 403
    await client.get("/")
    csrf = client.cookies.get("csrftoken")
    refused = await client.post(
        page,
        data={"_csrf_token": csrf or ""},
        files={"file": ("m.csv", _statement(("08/10", "X", bill.total)), "text/csv")},
    )
    assert refused.status_code == 403
    assert await _lines(session, venue.expo_id) == []


@pytest.mark.real_commits  # two treasurers at once need two connections
async def test_two_treasurers_approving_the_same_line_at_once_pay_once(
    client: Client, session: AsyncSession, engine: AsyncEngine
) -> None:
    venue = await make_venue(session)
    bill = await _held_bill(client, session, venue, 0, "Gula Aren Murni")
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    await _upload(client, venue.expo.slug, _statement(("09/10", "TRF GULA AREN", bill.total)))
    [line] = await _lines(session, venue.expo_id)
    assert line.id is not None
    assert bill.id is not None
    line_id, bill_id = line.id, bill.id
    await session.commit()
    treasurer = system_user()
    sessions = create_sessionmaker(engine)

    async def approve() -> int | str:
        async with sessions() as own:
            try:
                recorded = await approve_lines(own, venue.expo_id, {line_id: bill_id}, by=treasurer)
                await own.commit()
            except OperationalError:  # SQLite: the other writer held the file (a 503 "busy" on the page)
                return "busy"
            return recorded

    results = await asyncio.gather(approve(), approve())
    assert sorted(results, key=str) == [0, 1] or sorted(results, key=str) == [1, "busy"]
    assert len(await _payments(session, bill_id)) == 1


async def test_a_line_approved_for_the_wrong_bill_is_free_again_once_its_payment_is_reversed(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    sri = await _held_bill(client, session, venue, 0, "Keripik Mbok Sri")
    budi = await _held_bill(client, session, venue, 1, "Batik Budi Jaya")
    await session.commit()
    # the transfer is the smaller bill's; approved first for the larger one (it fits there too)
    sri, budi = sorted([sri, budi], key=lambda bill: bill.total)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    slug = venue.expo.slug
    imported = await _upload(client, slug, _statement(("02/10", "TRSF E-BANKING CR SETORAN STAN", sri.total)))
    assert imported.status_code == 200, imported.text
    [line] = await _lines(session, venue.expo_id)
    wrong = await _approve(client, slug, [("line", line.id), (f"bill_{line.id}", budi.id)])
    assert wrong.status_code == 303, wrong.text
    [mistake] = await _payments(session, budi.id)
    await reverse_payment(session, mistake.id or 0, reason="salah tagihan", actor=system_user())
    await session.commit()
    [freed] = await _lines(session, venue.expo_id)
    assert (freed.payment_id, freed.approved_at) == (None, None)

    right = await _approve(client, slug, [("line", line.id), (f"bill_{line.id}", sri.id)])
    assert right.status_code == 303, right.text
    assert right.headers["location"].endswith("msg=approved&n=1")
    [payment] = await _payments(session, sri.id)
    assert (payment.amount, payment.source) == (sri.total, PaymentSource.STATEMENT)
    assert sum(p.amount for p in await _payments(session, budi.id)) == 0  # the mistake and its reversal
    again = await _approve(client, slug, [("line", line.id), (f"bill_{line.id}", sri.id)])
    assert again.headers["location"].endswith("msg=approved&n=0")  # approved now: it pays once
    assert len(await _payments(session, sri.id)) == 1
