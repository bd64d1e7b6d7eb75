"""Revenue: the SQL sums by class, package and regency add up to the totals and to the ledger (paid
and what cancellations kept), "overdue" in SQL reads as ``bill_state`` does, the open bills carry a
WhatsApp reminder with the amount and the bill's link, the XLSX has typed columns, and only the
treasurer and organisers see it."""

import io
from datetime import timedelta
from urllib.parse import unquote

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.addon_schemas import RefundPaidIn
from booths.billing.bills import bill_of_booking
from booths.billing.ledger import record_payment, reverse_payment
from booths.billing.models import Bill, BillStatus, PaymentMethod, PaymentSetup, Refund
from booths.billing.refunds import mark_refund_paid
from booths.billing.revenue import GroupBy, figures_by, ledger_sum, open_bills, overdue_clause, totals
from booths.billing.states import BillState, bill_state, outstanding
from expo.accounts import system_user
from expo.formatting import format_rupiah, utcnow
from expo.models import CommitteeRole, Role
from tests.support.factories import Venue, bearer, make_member_token, make_user_token, make_venue, signup_exhibitor
from tests.support.passes import Client, log_in_as

pytestmark = pytest.mark.anyio
TODAY = utcnow().date()


async def _bill(client: Client, session: AsyncSession, venue: Venue, booth: int, **who: str) -> int:
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm", **who)
    response = await client.post(f"/api/booths/{venue.booth_ids[booth]}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    bill = await bill_of_booking(session, int(response.json()["id"]))
    assert bill is not None
    assert bill.id is not None
    return bill.id


async def _pay(session: AsyncSession, bill_id: int, amount: int | None = None) -> int:
    bill = await session.get(Bill, bill_id, populate_existing=True)
    assert bill is not None
    payment = await record_payment(
        session,
        bill_id,
        amount=bill.total if amount is None else amount,
        method=PaymentMethod.TRANSFER,
        paid_on=TODAY,
        actor=system_user(),
    )
    await session.commit()
    assert payment.id is not None
    return payment.id


async def _scene(client: Client, session: AsyncSession) -> tuple[Venue, dict[str, int]]:
    """Six bills of an expo, in every state: paid, partly paid (and late), unpaid (and late), a paid
    one reversed, a cancelled one with its refund paid out."""
    venue = await make_venue(session, booth_limit=1)
    expo_id = venue.expo_id
    session.add(PaymentSetup(expo_id=expo_id, refund_rules=[{"days_before": 7, "percent": 40}]))
    await session.commit()
    bills = {
        "paid": await _bill(client, session, venue, 0, regency="Jombang"),
        "partly": await _bill(client, session, venue, 1, regency="Kediri"),
        "partly_late": await _bill(client, session, venue, 2, regency="Kediri"),
        "unpaid_late": await _bill(client, session, venue, 3, regency="Jombang", whatsapp="0813 1111 2222"),
        "reversed": await _bill(client, session, venue, 4, regency="Malang"),
        "cancelled": await _bill(client, session, venue, 5, regency="Malang"),
    }
    await _pay(session, bills["paid"])
    await _pay(session, bills["partly"], 500_000)
    await _pay(session, bills["partly_late"], 700_000)
    await reverse_payment(session, await _pay(session, bills["reversed"]), reason="salah catat", actor=system_user())
    await _pay(session, bills["cancelled"])
    # late: the deadline and the day for the rest were yesterday (the deadline job has not run yet)
    await session.execute(
        sa.update(Bill).where(col(Bill.id) == bills["unpaid_late"]).values(due_at=utcnow() - timedelta(hours=1))
    )
    await session.execute(
        sa.update(Bill).where(col(Bill.id) == bills["partly_late"]).values(rest_due_on=TODAY - timedelta(days=1))
    )
    await session.commit()
    cancelled = await session.get(Bill, bills["cancelled"])
    assert cancelled is not None
    organiser = await make_user_token(session, Role.ORGANISER)
    gone = await client.post(
        f"/api/bookings/{cancelled.booking_id}/cancel", json={"reason": "batal"}, headers=bearer(organiser)
    )
    assert gone.status_code == 200, gone.text
    refund = await session.scalar(sa.select(Refund).where(col(Refund.bill_id) == bills["cancelled"]))
    assert refund is not None
    assert refund.id is not None
    await mark_refund_paid(session, expo_id, refund.id, RefundPaidIn(paid_on=TODAY, reference="BRI 9"), system_user())
    await session.commit()
    return venue, bills


async def test_revenue_sums_agree_with_the_bills_and_the_ledger(client: Client, session: AsyncSession) -> None:
    venue, ids = await _scene(client, session)
    expo_id = venue.expo_id
    now = utcnow()
    every = list((await session.scalars(sa.select(Bill).where(col(Bill.expo_id) == expo_id))).all())
    live = [b for b in every if b.status != BillStatus.VOID]
    whole = await totals(session, expo_id, now)
    assert whole.bills == len(live) == 5
    assert whole.billed == sum(b.total for b in live)
    assert whole.paid == sum(b.paid for b in live)
    assert whole.outstanding == sum(outstanding(b) for b in live)
    late = [b for b in live if bill_state(b, now) == BillState.OVERDUE]
    assert {b.id for b in late} == {ids["unpaid_late"], ids["partly_late"]}
    assert whole.overdue == sum(outstanding(b) for b in late)
    # paid + what the cancelled booking kept after its refund is the ledger, reversals and refunds included
    assert whole.received == await ledger_sum(session, expo_id)
    refund = await session.scalar(sa.select(Refund).where(col(Refund.bill_id) == ids["cancelled"]))
    assert refund is not None
    assert whole.refunds_paid == refund.amount
    assert whole.refunds_to_pay == 0
    cancelled = next(b for b in every if b.id == ids["cancelled"])
    assert whole.kept == cancelled.paid > 0

    # the SQL "overdue" is bill_state's
    flagged = set((await session.scalars(sa.select(col(Bill.id)).where(overdue_clause(now)))).all())
    assert flagged == {b.id for b in every if bill_state(b, now) == BillState.OVERDUE}

    for group in GroupBy:
        rows = await figures_by(session, expo_id, group, now)
        assert sum(r.bills for r in rows) == whole.bills
        assert sum(r.billed for r in rows) == whole.billed
        assert sum(r.paid for r in rows) == whole.paid
        assert sum(r.outstanding for r in rows) == whole.outstanding
        assert sum(r.overdue for r in rows) == whole.overdue
    regencies = {r.key: r for r in await figures_by(session, expo_id, GroupBy.REGENCY, now)}
    assert set(regencies) == {"Jombang", "Kediri", "Malang"}
    assert regencies["Kediri"].paid == 1_200_000
    assert regencies["Malang"].bills == 1  # the cancelled bill is void
    [package] = await figures_by(session, expo_id, GroupBy.PACKAGE, now)
    assert package.key == "Standar 3x3"
    [umkm] = await figures_by(session, expo_id, GroupBy.CLASS, now)
    assert umkm.key == "umkm"

    owed = await open_bills(session, expo_id, now=now)
    assert {o.bill.id for o in owed} == {ids["partly"], ids["partly_late"], ids["unpaid_late"], ids["reversed"]}
    assert {o.bill.id for o in await open_bills(session, expo_id, overdue_only=True, now=now)} == {
        ids["partly_late"],
        ids["unpaid_late"],
    }


async def test_the_revenue_page_reminds_by_whatsapp_and_exports(client: Client, session: AsyncSession) -> None:
    venue, ids = await _scene(client, session)
    slug, expo_id = venue.expo.slug, venue.expo_id
    late = await session.get(Bill, ids["unpaid_late"])
    assert late is not None
    gate = await make_member_token(session, expo_id, CommitteeRole.GATE_STAFF)
    desk = await make_member_token(session, expo_id, CommitteeRole.REGISTRATION)
    _x, exhibitor = await signup_exhibitor(client, expo_id)
    for token in (gate, desk, exhibitor):
        for path in ("revenue", "revenue.xlsx"):
            response = await client.get(f"/admin/e/{slug}/payments/{path}", headers=bearer(token))
            assert response.status_code == 403, path

    log_in_as(client, await make_member_token(session, expo_id, CommitteeRole.TREASURER))
    page = await client.get(f"/admin/e/{slug}/payments/revenue", params={"group": "regency", "only": "overdue"})
    assert page.status_code == 200
    assert "Kediri" in page.text
    assert late.number in page.text
    assert "https://wa.me/6281311112222?text=" in page.text
    link = next(part for part in page.text.split('"') if part.startswith("https://wa.me/6281311112222"))
    text = unquote(link.split("text=", 1)[1])
    assert late.number in text
    assert format_rupiah(late.total) in text
    assert f"/my-bills/{late.id}" in text
    odd = await client.get(f"/admin/e/{slug}/payments/revenue", params={"group": "bogus", "page": "x", "sort": "zzz"})
    assert odd.status_code == 200

    xlsx = await client.get(f"/admin/e/{slug}/payments/revenue.xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == 5
    summary = book[book.sheetnames[0]]
    whole = await totals(session, expo_id)
    assert summary.cell(2, 2).value == whole.billed
    assert summary.cell(2, 2).data_type == "n"
    bills = book[book.sheetnames[4]]
    numbers = {bills.cell(y, 1).value: bills.cell(y, 8).value for y in range(2, bills.max_row + 1)}
    assert numbers[late.number] == late.total
    assert bills.cell(2, 9).is_date
