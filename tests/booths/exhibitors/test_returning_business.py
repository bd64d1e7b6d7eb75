"""A business that showed at an earlier expo signs up for the next one with its account: offered to log
in instead of being refused, then the form is filled from its latest record and a new exhibitor of
the new expo is linked to the same account."""

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.exhibitors.models import Approval, Exhibitor
from expo.models import Role
from tests.support.factories import exhibitor_payload, make_user_token, make_venue, signup_exhibitor
from tests.support.pages import shown
from tests.support.passes import log_in_as, post_form

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def test_a_returning_business_logs_in_and_signs_up_again_prefilled(client: Client, session: AsyncSession) -> None:
    last_year = await make_venue(session)
    this_year = await make_venue(session)
    first, _token = await signup_exhibitor(
        client,
        last_year.expo_id,
        name="Kopontren Sumber Rejeki",
        email="rejeki@contoh.id",
        regency="Kediri",
        description="Batik tulis",
    )
    signup = f"/e/{this_year.expo.slug}/signup"

    # The same e-mail again, without logging in: refused as taken, with the way to log in instead.
    taken = await post_form(
        client, signup, exhibitor_payload(email="rejeki@contoh.id", nib=first["nib"]), from_page=signup
    )
    assert taken.status_code == 409
    assert 'id="log-in-instead"' in taken.text
    assert f'href="/login?next={signup}"' in taken.text

    logged_in = await post_form(
        client,
        "/login",
        {"email": "rejeki@contoh.id", "password": "rahasia-123", "next": signup},
        from_page=f"/login?next={signup}",
    )
    assert logged_in.status_code == 303
    assert logged_in.headers["location"] == signup

    form = await client.get(signup)
    assert form.status_code == 200
    assert 'id="returning"' in form.text
    assert 'value="Kopontren Sumber Rejeki"' in form.text
    assert f'value="{first["nib"]}"' in form.text
    assert 'value="Kediri"' in form.text
    assert "Batik tulis" in form.text
    assert 'name="password"' not in form.text

    values = {
        "name": "Kopontren Sumber Rejeki",
        "exhibitor_class": "pesantren",
        "nib": first["nib"],
        "pesantren_name": first["pesantren_name"],
        "regency": "Kota Kediri",
        "contact_name": "Ahmad Fiktif",
        "whatsapp": "0812 3456 7890",
        "email": "rejeki@contoh.id",
        "cluster": "kuliner",
        "description": "Batik tulis dan cap",
    }
    bad = await post_form(client, signup, values | {"nib": "123"}, from_page=signup)
    assert bad.status_code == 422
    assert 'id="e-nib"' in bad.text
    done = await post_form(client, signup, values, from_page=signup)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/e/{this_year.expo.slug}/booths"

    rows = (
        await session.scalars(
            sa.select(Exhibitor)
            .where(col(Exhibitor.nib) == first["nib"])
            .order_by(col(Exhibitor.id))
            .execution_options(populate_existing=True)
        )
    ).all()
    assert [r.expo_id for r in rows] == [last_year.expo_id, this_year.expo_id]
    assert rows[0].user_id is not None
    assert rows[1].user_id == rows[0].user_id  # the same account
    assert rows[1].regency == "Kota Kediri"
    assert rows[1].approval == Approval.PENDING  # the class is decided again for this expo
    assert rows[0].regency == "Kediri"  # last year's record is unchanged

    # Signed up here now: the sign-up page leads to the booths, and a second sign-up is refused.
    again = await client.get(signup, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == f"/e/{this_year.expo.slug}/booths"
    twice = await post_form(client, signup, values, from_page=f"/e/{this_year.expo.slug}/booths")
    assert twice.status_code == 409
    assert shown("Your business is already signed up for this expo.") in twice.text

    # The committee sees the link between the two records.
    client.cookies.clear()
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    record = await client.get(f"/admin/e/{this_year.expo.slug}/exhibitors/{rows[1].id}")
    assert record.status_code == 200
    assert f"/admin/e/{last_year.expo.slug}/exhibitors/{rows[0].id}" in record.text
    assert "rejeki@contoh.id" in record.text


async def test_a_returning_business_cannot_reuse_a_nib_taken_in_the_new_expo(
    client: Client, session: AsyncSession
) -> None:
    last_year = await make_venue(session)
    this_year = await make_venue(session)
    first, token = await signup_exhibitor(client, last_year.expo_id, email="lama@contoh.id")
    other, _ = await signup_exhibitor(client, this_year.expo_id, email="baru@contoh.id")
    log_in_as(client, token)
    signup = f"/e/{this_year.expo.slug}/signup"
    values = exhibitor_payload(nib=other["nib"], email="lama@contoh.id")
    values.pop("password")
    refused = await post_form(client, signup, values, from_page=signup)
    assert refused.status_code == 409
    assert shown("A business with this NIB is already registered for this expo.") in refused.text
    count = await session.scalar(
        sa.select(sa.func.count()).select_from(Exhibitor).where(col(Exhibitor.expo_id) == this_year.expo_id)
    )
    assert count == 1
    assert first["id"]
