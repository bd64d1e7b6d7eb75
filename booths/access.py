"""Which expo a booths thing named in a request path belongs to, for the per-expo role guards
(``expo.auth.requires``)."""

from sqlmodel import col

from booths.allocation.models import AllocationRun
from booths.applications.models import BoothApplication, BoothOffer
from booths.billing.models import BankAccount, Bill, Payment
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.maps.models import VenueFeature
from booths.venue.models import Booth, BoothPackage, Hall
from expo.auth import register_expo_lookup
from expo.i18n import N_
from expo.jobs.models import Job


def register() -> None:
    for param, model, missing, code in (
        ("booking_id", Booking, N_("No such booking."), "booking_not_found"),
        ("exhibitor_id", Exhibitor, N_("No such exhibitor."), "exhibitor_not_found"),
        ("application_id", BoothApplication, N_("No such application."), "application_not_found"),
        ("offer_id", BoothOffer, N_("No such offer."), "offer_not_found"),
        ("run_id", AllocationRun, N_("No such allocation run."), "run_not_found"),
        ("feature_id", VenueFeature, N_("No such venue feature."), "feature_not_found"),
        ("hall_id", Hall, N_("No such hall."), "hall_not_found"),
        ("package_id", BoothPackage, N_("No such booth package."), "package_not_found"),
        ("booth_id", Booth, N_("No such booth."), "booth_not_found"),
        ("job_id", Job, N_("No such job."), "job_not_found"),
        ("bill_id", Bill, N_("No such bill."), "bill_not_found"),
        ("payment_id", Payment, N_("No such payment."), "payment_not_found"),
        ("account_id", BankAccount, N_("No such bank account."), "account_not_found"),
    ):
        register_expo_lookup(param, col(model.expo_id), col(model.id), missing, code)
