"""The demo's payment set-up (seeded before the bookings, so their bills carry unique codes and the
down payment): a fictional bank account, the cash desk at the secretariat, a 30% down payment with
the rest due a week before the expo, a refund rule, and the committee's treasurer with a published
log-in. Bills themselves come from the bookings, through the booking services."""

from datetime import timedelta

from booths.billing.bills import payment_setup
from booths.billing.models import DownPayment
from booths.billing.schemas import AccountIn, SetupIn
from booths.billing.setup import add_account, save_setup
from booths.demo.context import Demo
from booths.demo.published import TREASURER_EMAIL, TREASURER_PASSWORD, demo_dates
from expo.accounts import create_user
from expo.models import CommitteeMember, CommitteeRole, Role


async def seed_payments(demo: Demo) -> None:
    starts_on, _ = demo_dates(demo.today)
    await save_setup(
        demo.session,
        demo.expo_id,
        SetupIn(
            cash_enabled=True,
            cash_place="Sekretariat Panitia, Jl. Pesantren Contoh No. 1, Jombang",
            cash_hours="Senin–Jumat 08.00–15.00",
            down_payment=DownPayment.PERCENT,
            down_payment_value=30,
            rest_due_on=starts_on - timedelta(days=7),
            unique_code=True,
            invoice_prefix="OPOP26",
            issuer_name="Panitia Expo UMKM & OPOP Santri Jombang",
            issuer_address="Jl. Pesantren Contoh No. 1, Jombang, Jawa Timur",
            treasurer_name="Hj. Siti Fiktiyah",
        ),
        demo.org,
    )
    setup_rules = [{"days_before": 21, "percent": 100}, {"days_before": 7, "percent": 50}]
    (await payment_setup(demo.session, demo.expo_id)).refund_rules = setup_rules
    await add_account(
        demo.session,
        demo.expo_id,
        AccountIn(bank="Bank Syariah Contoh", number="7123456789", holder="Panitia Expo OPOP Jombang"),
        demo.org,
    )
    treasurer = await create_user(
        demo.session,
        demo.passwords,
        email=TREASURER_EMAIL,
        name="Hj. Siti Fiktiyah (Bendahara, Demo)",
        password=TREASURER_PASSWORD,
        role=Role.ORGANISER,
    )
    assert treasurer.id is not None
    demo.session.add(CommitteeMember(expo_id=demo.expo_id, user_id=treasurer.id, role=CommitteeRole.TREASURER))
    await demo.session.flush()
