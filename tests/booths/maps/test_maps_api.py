"""Booth maps through HTTP and the services: features and their CSV, the layout check, publishing,
the PDF with its access rules, the public map data and pages, and the demo's map."""

import io
from dataclasses import dataclass

import pypdf
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings import service as bookings
from booths.bookings.schemas import PaymentIn
from booths.demo.expo import seed_demo
from booths.demo.published import DEMO_SLUG
from booths.exhibitors.schemas import ExhibitorCreate
from booths.exhibitors.service import create_exhibitor
from booths.maps.features import list_features
from booths.maps.service import check_layout, live_map_url
from booths.venue.geometry import Rect, inside, overlaps
from booths.venue.service import get_expo_by_slug, list_booths
from expo.accounts import CurrentUser, create_user
from expo.models import Role
from tests.support.factories import PASSWORDS, Venue, bearer, exhibitor_payload, make_user_token, make_venue

pytestmark = pytest.mark.anyio

CONFIRMED = "Keripik Tempe Peta Terbit"
HELD = "Sambal Pecel Masih Ditahan"


@dataclass
class Scene:
    place: Venue
    organiser: dict[str, str]
    exhibitor: dict[str, str]


async def _scene(session: AsyncSession) -> Scene:
    place = await make_venue(session, booths=6)
    user = await create_user(
        session, PASSWORDS, email="peta@uji.test", name="Panitia", password="rahasia-123", role=Role.ORGANISER
    )
    assert user.id is not None
    actor = CurrentUser(id=user.id, email=user.email, name=user.name, role=Role.ORGANISER, everything=True)
    for i, (name, confirm) in enumerate(((CONFIRMED, True), (HELD, False))):
        fields = {k: v for k, v in exhibitor_payload(name=name).items() if k != "password"}
        exhibitor = await create_exhibitor(session, place.expo_id, ExhibitorCreate.model_validate(fields))
        assert exhibitor.id is not None
        payment = PaymentIn(amount=500_000, method="cash") if confirm else None
        await bookings.assign_booth(
            session, place.expo_id, place.booth_ids[i], exhibitor.id, actor, confirm=confirm, payment=payment
        )
    await session.commit()
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    exhibitor_token = bearer(await make_user_token(session, Role.EXHIBITOR))
    return Scene(place, organiser, exhibitor_token)


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


async def test_features_are_managed_like_booths_and_round_trip_through_csv(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    s = await _scene(session)
    expo, hall = s.place.expo_id, s.place.hall.id
    body = {"hall_id": hall, "kind": "musholla", "label": "Musholla", "x_m": 50, "y_m": 0, "width_m": 6, "depth_m": 5}
    created = await client.post(f"/api/expos/{expo}/features", json=body, headers=s.organiser)
    assert created.status_code == 201, created.text
    feature = created.json()
    assert feature["hall_code"] == "A"
    assert feature["kind"] == "musholla"
    outside = await client.post(f"/api/expos/{expo}/features", json=body | {"x_m": 58}, headers=s.organiser)
    assert outside.status_code == 422
    assert outside.json()["code"] == "feature_outside_hall"
    anonymous = await client.post(f"/api/expos/{expo}/features", json=body, headers={"Authorization": "Bearer none"})
    assert anonymous.status_code == 401
    bad_kind = await client.post(f"/api/expos/{expo}/features", json=body | {"kind": "volcano"}, headers=s.organiser)
    assert bad_kind.status_code in {400, 422}
    moved = await client.patch(
        f"/api/features/{feature['id']}", json={"label": "Musholla Al-Ikhlas"}, headers=s.organiser
    )
    assert moved.json()["label"] == "Musholla Al-Ikhlas"
    listed = (await client.get(f"/api/expos/{expo}/features")).json()
    assert [f["label"] for f in listed] == ["Musholla Al-Ikhlas"]

    exported = await client.get(f"/api/expos/{expo}/features.csv", headers=s.organiser)
    assert exported.text.splitlines()[0] == "hall,kind,label,x_m,y_m,width_m,depth_m"
    csv_text = exported.text + "A,exit,Pintu Darurat,59.7,10,0.3,3\nA,column,K1,30,20,0.6,0.6\n"
    imported = await client.post(
        f"/api/expos/{expo}/features/import",
        content=csv_text.encode(),
        headers=s.organiser | {"content-type": "text/csv"},
    )
    assert imported.json() == {"features": 3}
    broken = csv_text + "Z,stage,,0,0,1,1\nA,stage,,0,0,-1,1\nA,volcano,,0,0,1,1\n"
    refused = await client.post(
        f"/api/expos/{expo}/features/import",
        content=broken.encode(),
        headers=s.organiser | {"content-type": "text/csv"},
    )
    assert refused.status_code == 422
    assert {e["field"].split(".")[1] for e in refused.json()["errors"]} == {"5", "6", "7"}
    assert len(await list_features(session, expo)) == 3  # all or nothing
    current = (await client.get(f"/api/expos/{expo}/features")).json()
    assert sorted(f["kind"] for f in current) == ["column", "exit", "musholla"]
    gone = await client.delete(f"/api/features/{current[0]['id']}", headers=s.organiser)
    assert gone.status_code == 204
    assert len((await client.get(f"/api/expos/{expo}/features")).json()) == 2


async def test_layout_check_publish_and_the_public_pdf(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    s = await _scene(session)
    expo, hall = s.place.expo_id, s.place.hall.id
    anonymous = {"Authorization": "Bearer none"}
    unpublished = await client.get(f"/api/expos/{expo}/map.pdf", headers=anonymous)
    assert unpublished.status_code == 404
    assert unpublished.json()["code"] == "map_not_published"

    # An exit with a booth 3 m in front of it and 3.5 m to keep clear: a hard failure that stops
    # publishing and the public print.
    door = {"hall_id": hall, "kind": "exit", "label": "Pintu Darurat", "x_m": 3, "y_m": 0, "width_m": 3, "depth_m": 0.3}
    created = await client.post(f"/api/expos/{expo}/features", json=door, headers=s.organiser)
    assert (await client.get(f"/api/expos/{expo}/map/check", headers=s.organiser)).json()["ok"] is True
    await client.patch(f"/api/expos/{expo}/map/rules", json={"exit_clearance_m": 3.5}, headers=s.organiser)
    check = (await client.get(f"/api/expos/{expo}/map/check", headers=s.organiser)).json()
    assert check["ok"] is False
    assert [f["code"] for f in check["findings"] if f["severity"] == "error"] == ["exit_blocked"]
    assert "A-01" in check["findings"][0]["items"]
    refused = await client.post(f"/api/expos/{expo}/map/publish", headers=s.organiser)
    assert refused.status_code == 409
    assert refused.json()["code"] == "layout_has_errors"
    assert refused.json()["errors"][0]["field"] == "A.exit_blocked"
    public = await client.get(f"/api/expos/{expo}/map.pdf?view=public", headers=s.organiser)
    assert public.status_code == 409
    organiser_view = await client.get(f"/api/expos/{expo}/map.pdf?view=organiser", headers=s.organiser)
    assert organiser_view.status_code == 200  # organisers may always print their working map

    await client.patch(f"/api/features/{created.json()['id']}", json={"x_m": 40}, headers=s.organiser)
    published = await client.post(f"/api/expos/{expo}/map/publish", headers=s.organiser)
    assert published.status_code == 200, published.text
    assert published.json()["published"] is True
    pdf = await client.get(f"/api/expos/{expo}/map.pdf?paper=a3&hall=A", headers=anonymous)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert CONFIRMED in text
    assert HELD not in text
    assert published.json()["version"] in text

    for query, code in (("hall=Q", "unknown_hall"), ("paper=b5", "unknown_paper"), ("scale=1:7", "unknown_scale")):
        response = await client.get(f"/api/expos/{expo}/map.pdf?{query}", headers=anonymous)
        assert response.status_code == 422
        assert response.json()["code"] == code
    assert (await client.get(f"/api/expos/{expo}/map.pdf?view=organiser", headers=anonymous)).status_code == 401
    assert (await client.get(f"/api/expos/{expo}/map.pdf?view=organiser", headers=s.exhibitor)).status_code == 403
    assert (await client.get(f"/api/expos/{expo}/map.pdf?view=handbook", headers=s.exhibitor)).status_code == 200


async def test_rules_are_per_expo_and_change_the_check(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    s = await _scene(session)
    expo = s.place.expo_id
    assert (await client.get(f"/api/expos/{expo}/map/rules", headers=s.organiser)).json()["min_aisle_m"] == 3
    # make_venue puts its row 3 m from the walls: fine for 3 m, too narrow for 4 m.
    assert (await client.get(f"/api/expos/{expo}/map/check", headers=s.organiser)).json()["ok"] is True
    patched = await client.patch(f"/api/expos/{expo}/map/rules", json={"min_aisle_m": 4}, headers=s.organiser)
    assert patched.json()["min_aisle_m"] == 4
    check = (await client.get(f"/api/expos/{expo}/map/check", headers=s.organiser)).json()
    assert {f["code"] for f in check["findings"]} == {"narrow_aisle"}
    assert (
        await client.patch(f"/api/expos/{expo}/map/rules", json={"min_aisle_m": 0}, headers=s.organiser)
    ).status_code == 422


async def test_public_map_data_and_pages(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    s = await _scene(session)
    expo, slug = s.place.expo_id, s.place.expo.slug
    page = await client.get(f"/e/{slug}/map")
    assert page.status_code == 200
    assert "not published" in page.text or "belum" in page.text
    assert (await client.get(f"/api/expos/{expo}/map", headers={"Authorization": "Bearer none"})).status_code == 404
    assert (await client.post(f"/api/expos/{expo}/map/publish", headers=s.organiser)).status_code == 200
    data = (await client.get(f"/api/expos/{expo}/map")).json()
    names = [b["exhibitor"]["name"] for h in data["halls"] for b in h["booths"] if b["exhibitor"]]
    assert names == [CONFIRMED]
    assert data["halls"][0]["booths"][0]["exhibitor"]["whatsapp"].startswith("+62")
    page = await client.get(f"/e/{slug}/map?lang=en")
    assert page.status_code == 200
    assert CONFIRMED in page.text
    assert HELD not in page.text
    assert 'id="booth-A-01"' in page.text
    worker = await client.get(f"/e/{slug}/map/sw.js")
    assert worker.headers["service-worker-allowed"] == f"/e/{slug}/"
    admin = await client.get(f"/admin/e/{slug}/map?lang=en", headers=s.organiser)
    assert admin.status_code == 200
    assert "Layout check" in admin.text
    printed = await client.get(f"/admin/e/{slug}/map/print?paper=a4&view=organiser", headers=s.organiser)
    assert printed.headers["content-type"] == "application/pdf"
    refused = await client.get(
        f"/admin/e/{slug}/map/print?paper=a4&scale=1:100&orientation=portrait", headers=s.organiser
    )
    assert refused.status_code == 422
    assert "does not fit" in refused.text or "tidak muat" in refused.text
    assert live_map_url("http://x.test/", slug, "a") == f"http://x.test/e/{slug}/map?hall=A"


async def test_the_demo_has_features_in_its_free_strips_and_a_published_clean_map(session: AsyncSession) -> None:
    counts = await seed_demo(session, PASSWORDS)
    assert counts["venue_features"] >= 20
    assert counts["map_published"] == 1
    expo = await get_expo_by_slug(session, DEMO_SLUG)
    assert expo.id is not None
    report = await check_layout(session, expo.id)
    assert report.findings == []
    features = await list_features(session, expo.id)
    assert {f.kind.value for f in features} >= {
        "entrance", "exit", "stage", "musholla", "toilet", "info", "first_aid", "registration", "food_court", "column",
    }  # fmt: skip
    booths = await list_booths(session, expo.id)
    for f in features:
        rect = Rect(f.x_m, f.y_m, f.width_m, f.depth_m)
        assert not any(
            b.hall_id == f.hall_id and overlaps(rect, Rect(b.x_m, b.y_m, b.width_m, b.depth_m)) for b in booths
        )
        assert inside(rect, 48 if f.hall_code == "A" else 40 if f.hall_code == "B" else 36, 30)
