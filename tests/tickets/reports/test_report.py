"""The expo report: asked for on the report page, made by the job runner, downloaded as PDF and XLSX;
the figures in both (text extracted from the PDF, the workbook read back) match the database; the PDF
names no exhibitor's sales; a text that looks like a formula stays text; a range without data gives an
honest empty report; a bad range is refused at its field."""

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.sales import service as sales
from booths.sales.models import DailySale
from booths.sales.schemas import SaleEntry
from expo.accounts import system_user
from expo.models import CommitteeRole
from expo.settings import Settings
from tests.support.factories import expo_day, make_member_token
from tests.support.gate import gate_world, issue, scan_row
from tests.support.jobs import run_jobs
from tests.support.pages import shown as t
from tests.support.passes import log_in_as, pdf_text, post_form
from tests.support.sales import exhibitor_with_booth
from tickets.gate.models import Direction
from tickets.reports.draw import render_report
from tickets.reports.gather import gather

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
LATER = datetime.now(UTC) + timedelta(days=60)  # the committee enters after the days: no window applies


def wib(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo("Asia/Jakarta")).astimezone(UTC)


def rupiah(n: int) -> str:
    return f"Rp{n:,}".replace(",", ".")


@pytest.mark.real_commits  # the report is made by a worker with its own engine
async def test_the_report_pdf_and_workbook_match_the_database(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    world = await gate_world(session, settings.signing_key_file)
    venue = world.venue
    d1, d2 = expo_day(1), expo_day(2)
    names = ["Keripik Ayu", "Batik Bintang", "=1+2 Warung Rumus"]
    placed = [await exhibitor_with_booth(client, session, venue, n, name=name) for n, name in enumerate(names)]
    amounts = {(0, d1): 1_250_000, (1, d1): 800_000, (2, d1): 430_000, (0, d2): 990_000, (1, d2): 610_000}
    for (n, day), cash in amounts.items():
        exhibitor_id = placed[n][0].id
        assert exhibitor_id is not None
        entry = SaleEntry.model_validate({"day": day, "cash": cash, "transfer": 100_000, "transactions": 10})
        await sales.enter_sales(session, system_user(), exhibitor_id, entry, now=LATER)
    visitors = [(await issue(session, world, days=[d1, d2], name=f"Tamu {n}"))[0] for n in range(4)]
    for n, person in enumerate(visitors):
        person.regency = "Jombang" if n < 3 else "Kediri"
        session.add(scan_row(world.device, person, wib(d1, 9 + n)))
    session.add(scan_row(world.device, visitors[0], wib(d1, 15), Direction.EXIT))
    session.add(scan_row(world.device, visitors[0], wib(d2, 10)))
    await session.commit()

    slug = venue.expo.slug
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    page = f"/admin/e/{slug}/report"
    asked = await post_form(
        client, page, {"start": d1.isoformat(), "end": d2.isoformat(), "locale": "id"}, from_page=page
    )
    assert asked.status_code == 303, asked.text
    await run_jobs(settings)
    shown = await client.get(page)
    found = [line for line in shown.text.splitlines() if "/report/" in line and "/pdf" in line]
    assert found, shown.text
    job_path = found[0].split('href="')[1].split("/pdf")[0]
    pdf = await client.get(f"{job_path}/pdf")
    xlsx = await client.get(f"{job_path}/xlsx")
    assert pdf.status_code == 200
    assert xlsx.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"

    total = int(
        await session.scalar(
            sa.select(sa.func.sum(col(DailySale.cash) + col(DailySale.transfer))).where(
                col(DailySale.expo_id) == venue.expo_id
            )
        )
        or 0
    )
    assert total == sum(amounts.values()) + 100_000 * len(amounts)
    text = "\n".join(pdf_text(pdf.content))
    assert "Laporan kegiatan" in text
    assert venue.expo.name in text
    assert rupiah(total) in text
    assert rupiah(1_250_000 + 800_000 + 430_000 + 300_000) in text  # day 1's row
    assert "Kuliner" in text  # three exhibitors in the category: it is shown
    hall_page = text.split(t("%(hall)s: booths by sales band", hall="Hall A"))
    assert len(hall_page) == 2  # the hall's page, its booths coloured by sales band
    assert "A-01" in hall_page[1]
    assert t("Upper third") in hall_page[1]
    for name in names:  # published figures are totals: no exhibitor's name
        assert name not in text

    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Penjualan yang dilaporkan peserta"] == total
    assert summary["Pengunjung (setiap orang sekali)"] == 4
    assert summary["Masuk lewat gerbang"] == 5
    assert summary["Peserta yang punya stan"] == 3
    per_day = list(book["Pengunjung per hari"].iter_rows(min_row=2, values_only=True))
    assert [(r[0].date(), r[1], r[2]) for r in per_day] == [(d1, 4, 4), (d2, 1, 1)]
    rows = list(book["Baris penjualan"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(amounts)
    formula_like = next(r for r in rows if str(r[0]).startswith("=1+2"))
    assert formula_like[0] == "=1+2 Warung Rumus"  # text, not a formula
    regencies = {r[0]: r[1] for r in book["Kabupaten pengunjung"].iter_rows(min_row=2, values_only=True)}
    assert regencies == {"Jombang": 3, "Kediri": 1}


async def test_an_empty_range_is_an_honest_empty_report_and_a_bad_range_is_refused(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    world = await gate_world(session, settings.signing_key_file)
    data = await gather(session, world.expo_id, expo_day(4), expo_day(5), "en")
    assert data.empty
    text = "\n".join(pdf_text(render_report(data)))
    assert "Activity report" in text
    assert "No visitors and no sales were recorded" in text
    slug = world.venue.expo.slug
    log_in_as(client, await make_member_token(session, world.expo_id, CommitteeRole.ORGANISER))
    page = f"/admin/e/{slug}/report"
    outside = await post_form(
        client, page, {"start": expo_day(-3).isoformat(), "end": expo_day(1).isoformat()}, from_page=page
    )
    assert outside.status_code == 422
    backwards = await post_form(
        client, page, {"start": expo_day(3).isoformat(), "end": expo_day(1).isoformat()}, from_page=page
    )
    assert backwards.status_code == 422
    client.cookies.clear()
    log_in_as(client, await make_member_token(session, world.expo_id, CommitteeRole.GATE_STAFF))
    assert (await client.get(page)).status_code == 403
