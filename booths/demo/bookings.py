"""The demo's bookings in every state: pesantren on free stands, koperasi paying by transfer, QRIS
or cash, UMKM in tents and on free stands, sponsors; live holds, lapsed holds, cancellations. Held,
confirmed, assigned and cancelled through the booking services; only ``lapse`` writes around them."""

from datetime import timedelta

from booths.bookings.models import Booking, PaymentMethod
from booths.bookings.service import assign_booth, cancel_booking, confirm_booking, hold_booth
from booths.demo.context import Demo
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth
from booths.venue.service import price_for
from expo.accounts import CurrentUser


async def hold(demo: Demo, exhibitor: Exhibitor, booth: Booth, actor: CurrentUser | None = None) -> Booking:
    assert exhibitor.id is not None
    assert booth.id is not None
    return await hold_booth(demo.session, demo.expo_id, booth.id, exhibitor.id, actor or demo.org)


async def confirm(demo: Demo, booking: Booking, method: PaymentMethod) -> Booking:
    assert booking.id is not None
    return await confirm_booking(demo.session, booking.id, demo.payment(booking.price, method), demo.org)


async def assign(
    demo: Demo, exhibitor: Exhibitor, booth: Booth, method: PaymentMethod = PaymentMethod.TRANSFER, note: str = ""
) -> Booking:
    """The organiser places an exhibitor and confirms at once, with a payment when the stand is not free."""
    assert exhibitor.id is not None
    assert booth.id is not None
    price = price_for(demo.packages_by_id[booth.package_id], exhibitor.exhibitor_class)
    payment = demo.payment(price, method) if price else None
    return await assign_booth(
        demo.session, demo.expo_id, booth.id, exhibitor.id, demo.org, confirm=True, payment=payment, note=note
    )


async def cancel(demo: Demo, booking: Booking, reason: str, actor: CurrentUser | None = None) -> None:
    assert booking.id is not None
    await cancel_booking(demo.session, booking.id, actor or demo.org, reason)


async def lapse(demo: Demo, booking: Booking, hours_ago: float) -> None:
    """Let a hold run out ``hours_ago``, so the demo shows lapsed holds (and a booth a lapsed hold no
    longer keeps). A direct write, on purpose: a hold lapses only with time, and no service turns
    back the clock; the services then treat it like any hold that ran out."""
    assert booking.hold_expires_at is not None
    booking.held_at -= timedelta(hours=hours_ago)
    booking.hold_expires_at = booking.held_at + timedelta(minutes=30)
    await demo.session.flush()


async def pesantren_bookings(demo: Demo, rows: list[tuple[Exhibitor, CurrentUser | None]]) -> None:
    # Stands are free for pesantren: the self-signed one holds and gets its stand at once; the
    # organiser places the others, some by holding for them (confirmed at once too), some by assigning.
    booking: Booking | None = None
    for i, (exhibitor, user) in enumerate(rows[:31]):
        booth = demo.booth(exhibitor.cluster)
        if user is not None or i % 2:
            booking = await hold(demo, exhibitor, booth, user)
        else:
            booking = await assign(demo, exhibitor, booth, note="Diundang panitia (program OPOP).")
    assert booking is not None
    await cancel(demo, booking, "Pesantren mengundurkan diri: bentrok dengan acara haul.")


async def koperasi_bookings(demo: Demo, rows: list[tuple[Exhibitor, CurrentUser | None]]) -> None:
    methods = (PaymentMethod.TRANSFER, PaymentMethod.QRIS, PaymentMethod.CASH)
    (published, published_user), *others = rows  # the exhibitor of the published log-in
    await hold(demo, published, demo.booth(published.cluster, ("standar",)), published_user)  # live: countdown page
    for i, (exhibitor, _) in enumerate(others[:7]):
        booth = demo.booth(exhibitor.cluster)
        if i % 2:
            await confirm(demo, await hold(demo, exhibitor, booth), methods[i % 3])
        else:
            await assign(demo, exhibitor, booth, methods[i % 3])
    for exhibitor, _ in others[7:9]:  # waiting for their transfer
        await hold(demo, exhibitor, demo.booth(exhibitor.cluster))
    exhibitor = others[9][0]
    await lapse(demo, await hold(demo, exhibitor, demo.booth(exhibitor.cluster)), hours_ago=5)
    exhibitor = others[10][0]
    booking = await assign(demo, exhibitor, demo.booth(exhibitor.cluster), PaymentMethod.TRANSFER)
    await cancel(demo, booking, "Pindah ke pameran lain; dana dikembalikan.")


async def umkm_bookings(demo: Demo, rows: list[tuple[Exhibitor, CurrentUser | None]]) -> None:
    (first, first_user), (taker, _), *others = rows
    # The self-signed UMKM let a paid tent lapse; another UMKM took that tent (which stores the
    # lapsed hold as expired), and the first chose a free UMKM stand instead.
    tent = demo.booth("kuliner", ("tenda",))
    await lapse(demo, await hold(demo, first, tent, first_user), hours_ago=26)
    await assign(demo, taker, tent, PaymentMethod.QRIS)
    await hold(demo, first, demo.booth("kuliner", ("gratis-umkm",)), first_user)
    for exhibitor, _ in others[:5]:
        await assign(demo, exhibitor, demo.booth("kuliner", ("gratis-umkm",)), note="UMKM binaan.")
    for i, (exhibitor, _) in enumerate(others[5:8]):
        await assign(
            demo,
            exhibitor,
            demo.booth(exhibitor.cluster),
            (PaymentMethod.TRANSFER, PaymentMethod.CASH, PaymentMethod.QRIS)[i],
        )
    await hold(demo, others[8][0], demo.booth(others[8][0].cluster))
    booking = await hold(demo, others[9][0], demo.booth(others[9][0].cluster))
    await cancel(demo, booking, "Tidak ada penjaga stan pada tanggal pameran.")


async def other_bookings(demo: Demo, rows: list[tuple[Exhibitor, CurrentUser | None]]) -> None:
    for exhibitor, _ in rows:
        await assign(demo, exhibitor, demo.booth("instansi", ("sponsor",)), PaymentMethod.TRANSFER)
