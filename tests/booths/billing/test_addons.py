"""Add-ons: the treasurer's price list (pages, audit, bad input, roles), the exhibitor's orders on its
own booking's bill (lines only added, totals and states after orders and cancellations, a paid bill
partly paid again, the maximum, the fascia text, the expo's start), the logistics list and its
formula-safe exports, and the staff passes tickets adds to a booking's quota."""

import asyncio
import io
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from booths.billing.addon_schemas import AddOnIn, AddOnOrderIn
from booths.billing.addons import cancel_order, create_addon, extra_staff_passes, logistics, order_addon
from booths.billing.bills import bill_of_booking
from booths.billing.ledger import record_payment
from booths.billing.models import AddOn, AddOnKind, AddOnOrder, Bill, BillLine, BillStatus, LineKind, PaymentMethod
from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Expo
from expo.accounts import CurrentUser, system_user
from expo.audit import entries
from expo.database import create_sessionmaker
from expo.errors import Conflict, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.models import CommitteeRole, Role
from tests.support.factories import Venue, bearer, make_member_token, make_venue, signup_exhibitor
from tests.support.pages import shown as t
from tests.support.passes import Client, log_in_as, post_form

pytestmark = pytest.mark.anyio

PRICE = 1_500_000


async def _held(client: Client, session: AsyncSession, venue: Venue, booth: int = 0) -> tuple[Booking, str]:
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    response = await client.post(f"/api/booths/{venue.booth_ids[booth]}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    booking = await session.get(Booking, int(response.json()["id"]), populate_existing=True)
    assert booking is not None
    return booking, token


async def _user_of(session: AsyncSession, booking: Booking) -> CurrentUser:
    exhibitor = await session.get(Exhibitor, booking.exhibitor_id)
    assert exhibitor is not None
    assert exhibitor.user_id is not None
    return CurrentUser(id=exhibitor.user_id, email="", name="", role=Role.EXHIBITOR)


async def _price_list(session: AsyncSession, expo_id: int) -> dict[str, int]:
    """The expo's add-ons by code, as ids (objects would expire with a rollback)."""
    made: dict[str, int] = {}
    for code, kind, price, size, most in (
        ("listrik", AddOnKind.POWER, 250_000, 450, 4),
        ("meja", AddOnKind.TABLE, 50_000, 1, 3),
        ("kursi", AddOnKind.CHAIR, 15_000, 1, 10),
        ("papan", AddOnKind.FASCIA, 0, 1, 1),
        ("kartu", AddOnKind.STAFF_PASS, 40_000, 1, 5),
    ):
        data = AddOnIn(code=code, kind=kind, name=code.title(), unit_size=size, price=price, max_quantity=most)
        made[code] = (await create_addon(session, expo_id, data, system_user())).id or 0
    await session.commit()
    return made


async def _bill(session: AsyncSession, booking_id: int) -> Bill:
    bill = await bill_of_booking(session, booking_id)
    assert bill is not None
    await session.refresh(bill)
    return bill


async def _lines(session: AsyncSession, bill: Bill) -> list[tuple[str, int]]:
    rows = await session.scalars(sa.select(BillLine).where(col(BillLine.bill_id) == bill.id).order_by(col(BillLine.id)))
    return [(line.kind, line.amount) for line in rows]


# --- the price list ------------------------------------------------------------------------------
async def test_the_treasurer_keeps_the_price_list_in_pages_with_audit_entries(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    path = f"/admin/e/{venue.expo.slug}/payments/addons"
    form = {
        "code": "listrik-450",
        "kind": "power",
        "name": "Tambah daya",
        "price": "Rp 250.000",
        "unit_size": "450",
        "max_quantity": "4",
        "active": "on",
    }
    added = await post_form(client, path, form, from_page=path)
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"{path}?msg=added"
    addon = await session.scalar(sa.select(AddOn).where(col(AddOn.code) == "listrik-450"))
    assert addon is not None
    assert (addon.kind, addon.price, addon.unit_size, addon.max_quantity, addon.active) == (
        AddOnKind.POWER,
        250_000,
        450,
        4,
        True,
    )
    listing = await client.get(path)
    assert "Tambah daya" in listing.text
    assert t("per %(n)s VA", n=450) in listing.text

    edit = f"{path}/{addon.id}"
    saved = await post_form(client, edit, form | {"price": "300000", "active": ""}, from_page=edit)
    assert saved.status_code == 303, saved.text
    await session.refresh(addon)
    assert (addon.price, addon.active) == (300_000, False)
    [created] = [
        e for e in await entries(session, venue.expo_id, action_prefix="addon.") if e.action == "addon.created"
    ]
    assert created.after["price"] == 250_000
    [updated] = [
        e for e in await entries(session, venue.expo_id, action_prefix="addon.") if e.action == "addon.updated"
    ]
    assert (updated.before, updated.after) == ({"price": 250_000, "active": True}, {"price": 300_000, "active": False})

    negative = await post_form(client, path, form | {"code": "lain", "price": "-5"}, from_page=path)
    assert negative.status_code == 422
    assert t("A price cannot be below zero.") in negative.text
    bad_kind = await post_form(client, path, form | {"code": "lain", "kind": "roket"}, from_page=path)
    assert bad_kind.status_code == 422
    assert t("Choose one of the options.") in bad_kind.text
    taken = await post_form(client, path, form, from_page=path)
    assert taken.status_code == 409
    assert t("An add-on with this code exists.") in taken.text
    elsewhere = await make_venue(session)
    other_expo = await client.get(f"/admin/e/{elsewhere.expo.slug}/payments/addons/{addon.id}")
    assert other_expo.status_code == 403  # the treasurer of one expo only
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    change_log = await client.get(f"/admin/e/{venue.expo.slug}/audit")
    assert t("Add-on added to the price list") in change_log.text
    assert t("Add-on changed") in change_log.text


async def test_gate_staff_registration_and_exhibitors_are_refused(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    await _price_list(session, venue.expo_id)
    _, exhibitor = await signup_exhibitor(client, venue.expo_id)
    gate = await make_member_token(session, venue.expo_id, CommitteeRole.GATE_STAFF)
    desk = await make_member_token(session, venue.expo_id, CommitteeRole.REGISTRATION)
    base = f"/admin/e/{venue.expo.slug}/payments/addons"
    for token in (gate, desk, exhibitor):
        for path in (base, f"{base}/orders", f"{base}/orders.csv", f"{base}/orders.xlsx"):
            response = await client.get(path, headers=bearer(token))
            assert response.status_code == 403, (path, response.text)
        posted = await client.post(base, data={"code": "x"}, headers=bearer(token))
        assert posted.status_code in (403, 401), posted.text


# --- orders on the bill --------------------------------------------------------------------------
async def test_orders_raise_the_bill_and_cancelling_adds_a_line(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    addons = await _price_list(session, venue.expo_id)
    booking, _ = await _held(client, session, venue)
    assert booking.id is not None
    booking_id, starts_on, expo_id = booking.id, venue.expo.starts_on, venue.expo_id
    me = await _user_of(session, booking)
    bill = await _bill(session, booking_id)
    start = bill.total
    assert start == PRICE + bill.unique_code

    power = await order_addon(session, booking_id, AddOnOrderIn(addon_id=addons["listrik"], quantity=2), me)
    table = await order_addon(session, booking_id, AddOnOrderIn(addon_id=addons["meja"], quantity=1), me)
    power_id, table_id = power.id or 0, table.id or 0
    with pytest.raises(InvalidInput) as no_text:
        await order_addon(session, booking_id, AddOnOrderIn(addon_id=addons["papan"], text="  "), me)
    assert no_text.value.code == "fascia_text_required"
    await order_addon(session, booking_id, AddOnOrderIn(addon_id=addons["papan"], text=" Keripik  Bu Sri "), me)
    await session.commit()
    bill = await _bill(session, booking_id)
    assert bill.total == start + 2 * 250_000 + 50_000
    assert bill.status == BillStatus.UNPAID
    lines = await _lines(session, bill)
    assert (LineKind.ADDON, 500_000) in lines
    assert (LineKind.ADDON, 0) in lines  # the free fascia is on the bill too (and on the logistics list)
    power_line = await session.scalar(sa.select(BillLine).where(col(BillLine.addon_order_id) == power.id))
    assert power_line is not None
    assert "900 VA" in power_line.description

    await cancel_order(session, table_id, me)
    await session.commit()
    bill = await _bill(session, booking_id)
    assert bill.total == start + 500_000
    assert (LineKind.CANCELLED, -50_000) in await _lines(session, bill)
    assert len(await _lines(session, bill)) == 6  # nothing deleted: booth, code, 3 add-ons, 1 cancellation
    with pytest.raises(Conflict) as twice:
        await cancel_order(session, table_id, me)
    assert twice.value.code == "addon_order_cancelled"
    await session.rollback()

    # paid in full, then a chair: the paid bill is partly paid again, with the rest due before the expo
    bill = await _bill(session, booking_id)
    assert bill.id is not None
    await record_payment(
        session, bill.id, amount=bill.total, method=PaymentMethod.TRANSFER, paid_on=utcnow().date(), actor=system_user()
    )
    await session.commit()
    assert (await session.get(Booking, booking_id, populate_existing=True)).status == BookingStatus.CONFIRMED  # type: ignore[union-attr]
    chair_id = (await order_addon(session, booking_id, AddOnOrderIn(addon_id=addons["kursi"], quantity=4), me)).id
    await session.commit()
    bill = await _bill(session, booking_id)
    assert (bill.status, bill.total - bill.paid) == (BillStatus.PARTLY_PAID, 60_000)
    assert bill.rest_due_on == starts_on - timedelta(days=1)
    with pytest.raises(Conflict) as paid:
        await cancel_order(session, power_id, me)  # paid already: the money would have to go back
    assert paid.value.code == "addon_order_paid"
    await session.rollback()
    await cancel_order(session, chair_id or 0, me)
    await session.commit()
    bill = await _bill(session, booking_id)
    assert (bill.status, bill.total, bill.paid) == (BillStatus.PAID, bill.paid, bill.paid)
    log = [e.action for e in await entries(session, expo_id, action_prefix="addon.")]
    assert log.count("addon.ordered") == 4
    assert log.count("addon.cancelled") == 2


async def test_the_maximum_the_offer_and_the_expo_start_are_kept(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    addons = await _price_list(session, venue.expo_id)
    other = await make_venue(session)
    foreign = await _price_list(session, other.expo_id)
    booking, _ = await _held(client, session, venue)
    assert booking.id is not None
    booking_id = booking.id
    me = await _user_of(session, booking)
    table = addons["meja"]
    expo_id = venue.expo_id
    await order_addon(session, booking_id, AddOnOrderIn(addon_id=table, quantity=2), me)
    with pytest.raises(InvalidInput) as most:
        await order_addon(session, booking_id, AddOnOrderIn(addon_id=table, quantity=2), me)
    assert (most.value.code, most.value.params["already"]) == ("addon_max_quantity", 2)
    with pytest.raises(InvalidInput) as elsewhere:
        await order_addon(session, booking_id, AddOnOrderIn(addon_id=foreign["meja"]), me)
    assert elsewhere.value.code == "addon_not_offered"
    await session.commit()

    stranger = CurrentUser(id=me.id + 10_000, email="", name="", role=Role.EXHIBITOR)
    with pytest.raises(NotFound):
        await order_addon(session, booking_id, AddOnOrderIn(addon_id=table), stranger)
    await session.rollback()

    await session.execute(sa.update(Expo).where(col(Expo.id) == expo_id).values(starts_on=utcnow().date()))
    await session.commit()
    with pytest.raises(Conflict) as started:
        await order_addon(session, booking_id, AddOnOrderIn(addon_id=addons["kursi"]), me)
    assert started.value.code == "addons_closed"
    await session.rollback()


async def test_a_free_stand_gets_a_bill_with_its_first_priced_addon(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    addons = await _price_list(session, venue.expo_id)
    exhibitor, _ = await signup_exhibitor(client, venue.expo_id)
    # A free confirmed stand, written as the allocation would leave it (no bill: nothing to pay).
    booking = Booking(
        expo_id=venue.expo_id,
        booth_id=venue.booth_ids[0],
        exhibitor_id=int(exhibitor["id"]),
        status=BookingStatus.CONFIRMED,
        price=0,
        confirmed_at=utcnow(),
    )
    session.add(booking)
    await session.commit()
    assert booking.id is not None
    booking_id = booking.id
    assert await bill_of_booking(session, booking_id) is None
    me = await _user_of(session, booking)
    await order_addon(session, booking_id, AddOnOrderIn(addon_id=addons["papan"], text="Sambal"), me)
    assert await bill_of_booking(session, booking_id) is None  # a free add-on opens no bill
    chair = await order_addon(session, booking_id, AddOnOrderIn(addon_id=addons["kursi"], quantity=2), me)
    await session.commit()
    bill = await _bill(session, booking_id)
    assert bill.number.startswith("INV/")
    assert (bill.total, bill.status) == (30_000, BillStatus.UNPAID)
    assert bill.due_at is not None
    await cancel_order(session, chair.id or 0, me)
    await session.commit()
    await session.refresh(bill)
    assert (bill.total, bill.status, bill.void_reason) == (0, BillStatus.VOID, "addons_cancelled")


# --- through the exhibitor's page ----------------------------------------------------------------
async def test_the_exhibitor_orders_on_its_page_and_only_for_its_own_booking(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session, booth_limit=1)
    addons = await _price_list(session, venue.expo_id)
    mine, token = await _held(client, session, venue, booth=0)
    theirs, _ = await _held(client, session, venue, booth=1)
    log_in_as(client, token)
    page = await client.get("/my-booking/addons")
    assert page.status_code == 200
    assert "Meja" in page.text
    ordered = await post_form(
        client,
        f"/my-booking/{mine.id}/addons",
        {"addon_id": str(addons["meja"]), "quantity": "2"},
        from_page="/my-booking/addons",
    )
    assert ordered.status_code == 303, ordered.text
    too_many = await post_form(
        client,
        f"/my-booking/{mine.id}/addons",
        {"addon_id": str(addons["meja"]), "quantity": "5"},
        from_page="/my-booking/addons",
    )
    assert too_many.status_code == 422
    assert (
        t("At most %(max)s of %(name)s per booth; %(already)s ordered already.", max=3, name="Meja", already=2)
        in too_many.text
    )
    not_a_number = await post_form(
        client, f"/my-booking/{mine.id}/addons", {"addon_id": "meja", "quantity": "2"}, from_page="/my-booking/addons"
    )
    assert not_a_number.status_code == 422
    foreign = await post_form(
        client,
        f"/my-booking/{theirs.id}/addons",
        {"addon_id": str(addons["meja"]), "quantity": "1"},
        from_page="/my-booking/addons",
    )
    assert foreign.status_code == 404
    order = await session.scalar(sa.select(AddOnOrder).where(col(AddOnOrder.booking_id) == mine.id))
    assert order is not None
    assert (
        await session.scalar(
            sa.select(sa.func.count()).select_from(AddOnOrder).where(col(AddOnOrder.booking_id) == theirs.id)
        )
        == 0
    )
    cancelled = await post_form(client, f"/my-booking/addons/{order.id}/cancel", {}, from_page="/my-booking/addons")
    assert cancelled.status_code == 303, cancelled.text
    shown = await client.get("/my-booking/addons?msg=cancelled")
    assert t("The add-on is cancelled and taken off your bill.") in shown.text
    my_booking = await client.get("/my-booking")
    assert "/my-booking/addons" in my_booking.text


# --- logistics -----------------------------------------------------------------------------------
async def test_the_logistics_list_sums_per_booth_and_exports_without_formulas(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session, booth_limit=1)
    addons = await _price_list(session, venue.expo_id)
    first, _ = await _held(client, session, venue, booth=0)
    second, _ = await _held(client, session, venue, booth=1)
    assert first.id is not None
    assert second.id is not None
    me, them = await _user_of(session, first), await _user_of(session, second)
    await order_addon(session, first.id, AddOnOrderIn(addon_id=addons["listrik"], quantity=1), me)
    await order_addon(session, first.id, AddOnOrderIn(addon_id=addons["listrik"], quantity=2), me)
    await order_addon(session, first.id, AddOnOrderIn(addon_id=addons["kursi"], quantity=3), me)
    await order_addon(session, first.id, AddOnOrderIn(addon_id=addons["kartu"], quantity=2), me)
    wrong = await order_addon(session, first.id, AddOnOrderIn(addon_id=addons["meja"], quantity=3), me)
    await cancel_order(session, wrong.id or 0, me)
    evil = '=HYPERLINK("http://evil","klik")'
    await order_addon(session, second.id, AddOnOrderIn(addon_id=addons["papan"], text=evil), them)
    await session.commit()

    rows = {r.booking_id: r for r in await logistics(session, venue.expo_id)}
    assert (rows[first.id].power_va, rows[first.id].chairs, rows[first.id].tables, rows[first.id].staff_passes) == (
        1350,
        3,
        0,
        2,
    )
    assert rows[second.id].fascia == evil
    assert await extra_staff_passes(session, [first.id, second.id]) == {first.id: 2}

    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    base = f"/admin/e/{venue.expo.slug}/payments/addons/orders"
    page = await client.get(base)
    assert page.status_code == 200
    assert "1350" in page.text
    csv = await client.get(f"{base}.csv")
    assert csv.status_code == 200
    assert "'=HYPERLINK" in csv.text
    xlsx = await client.get(f"{base}.xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = {(c.column, c.row): c for row in sheet.iter_rows() for c in row}
    header = [sheet.cell(1, x).value for x in range(1, sheet.max_column + 1)]
    fascia_col = header.index(t("Fascia text")) + 1 if t("Fascia text") in header else header.index("Fascia text") + 1
    power_col = next(i for i, h in enumerate(header, start=1) if "VA" in str(h))
    cells = [values[(fascia_col, y)] for y in range(2, sheet.max_row + 1)]
    assert any(c.value == evil and c.data_type == "s" for c in cells)
    assert sorted(values[(power_col, y)].value for y in range(2, sheet.max_row + 1)) == [0, 1350]


@pytest.mark.real_commits  # two orders racing need two connections
async def test_two_orders_at_once_cannot_pass_the_maximum_together(
    client: Client, session: AsyncSession, engine: AsyncEngine
) -> None:
    venue = await make_venue(session)
    addons = await _price_list(session, venue.expo_id)
    booking, _ = await _held(client, session, venue)
    assert booking.id is not None
    booking_id = booking.id
    me = await _user_of(session, booking)
    start = (await _bill(session, booking_id)).total
    sessions = create_sessionmaker(engine)

    async def order() -> str:
        async with sessions() as own:
            try:
                await order_addon(own, booking_id, AddOnOrderIn(addon_id=addons["meja"], quantity=2), me)
                await own.commit()
                return "ordered"
            except InvalidInput as refused:
                await own.rollback()
                return refused.code

    outcomes = sorted(await asyncio.gather(order(), order()))
    assert outcomes == ["addon_max_quantity", "ordered"]
    bill = await _bill(session, booking_id)
    assert bill.total == start + 2 * 50_000
