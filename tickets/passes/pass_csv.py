"""Organiser passes from a CSV of names: every row is checked first; one bad row imports nothing."""

import csv
import io
import re
from datetime import date

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.lifecycle import expo_today
from booths.venue.service import expo_days, get_expo
from expo.accounts import CurrentUser
from expo.errors import FieldProblem, InvalidInput
from expo.problems import field_message
from tickets.passes.kinds import DAY_PAST, DAYS_OVER, allowed_days, kind_by_code
from tickets.passes.models import ExpoPass
from tickets.passes.schemas import ImportResult, PassUpdate
from tickets.passes.service import issue

MAX_ROWS = 10_000
COLUMNS = ("name", "phone", "email", "organisation", "days")
_DAY_SPLIT = re.compile(r"[;\s|]+")


def _read(raw: bytes) -> "csv.DictReader[str]":
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text.", code="csv_encoding") from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","  # spreadsheets set to Indonesian use ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error:
        raise InvalidInput("The file is not a readable CSV.", code="csv_unreadable") from None
    if "name" not in header:
        raise InvalidInput("The CSV lacks columns: %(columns)s.", code="csv_columns", params={"columns": "name"})
    return reader


def _days(text: str, allowed: list[date], today: date, line: int, problems: list[FieldProblem]) -> list[date] | None:
    if not text.strip():  # every day of the kind that is not over
        remaining = [d for d in allowed if d >= today]
        if not remaining:
            problems.append(FieldProblem(f"rows.{line}.days", DAYS_OVER))
            return None
        return remaining
    days: list[date] = []
    for part in _DAY_SPLIT.split(text.strip()):
        try:
            day = date.fromisoformat(part)
        except ValueError:
            problems.append(FieldProblem(f"rows.{line}.days", "Enter a date as YYYY-MM-DD."))
            return None
        if day not in allowed:
            problems.append(
                FieldProblem(
                    f"rows.{line}.days", "%(days)s is not a day this pass can be valid on.", {"days": day.isoformat()}
                )
            )
            return None
        days.append(day)
    past = sorted({d for d in days if d < today})
    if past:
        problems.append(FieldProblem(f"rows.{line}.days", DAY_PAST, {"days": ", ".join(d.isoformat() for d in past)}))
        return None
    return sorted(set(days))


async def import_passes(
    session: AsyncSession, expo_id: int, kind_code: str, raw: bytes, actor: CurrentUser
) -> ImportResult:
    today = expo_today(await get_expo(session, expo_id))
    kind = await kind_by_code(session, expo_id, kind_code)
    if kind.staff:
        raise InvalidInput(
            "Staff passes are issued per exhibitor, within its quota, not by import.",
            code="staff_kind_not_importable",
            fields=[FieldProblem("kind", "Staff passes are issued per exhibitor, within its quota, not by import.")],
        )
    allowed = allowed_days(kind, await expo_days(session, expo_id))
    problems: list[FieldProblem] = []
    rows: list[tuple[PassUpdate, list[date]]] = []
    line = 1
    try:
        for line, record in enumerate(_read(raw), start=2):
            if line - 1 > MAX_ROWS:
                raise InvalidInput(
                    "At most %(max)s rows per import.", code="csv_too_many_rows", params={"max": MAX_ROWS}
                )
            values = {(k or "").strip().lower(): (v or "").strip() for k, v in record.items() if isinstance(v, str)}
            if not any(values.values()):
                continue  # blank lines are common at the end of a spreadsheet export
            before = len(problems)
            try:
                data = PassUpdate.model_validate(
                    {
                        "holder_name": values.get("name", ""),
                        "phone": values.get("phone") or None,
                        "email": values.get("email") or None,
                        "organisation": values.get("organisation") or None,
                    }
                )
            except ValidationError as exc:
                for item in exc.errors():
                    column = (
                        {"holder_name": "name"}.get(str(item["loc"][0]), str(item["loc"][0])) if item["loc"] else "name"
                    )
                    msgid, params = field_message(item["msg"])
                    problems.append(FieldProblem(f"rows.{line}.{column}", msgid, params))
                data = None
            if data is not None and not data.holder_name:
                problems.append(FieldProblem(f"rows.{line}.name", "This field is required."))
            days = _days(values.get("days", ""), allowed, today, line, problems)
            if data is not None and days is not None and len(problems) == before:
                rows.append((data, days))
    except csv.Error:
        problems.append(FieldProblem(f"rows.{line + 1}", "This line is not readable CSV."))
    if problems:
        raise InvalidInput("The CSV has errors; nothing was imported.", code="csv_invalid", fields=problems[:200])
    if not rows:
        raise InvalidInput("The CSV has no names.", code="csv_empty")
    taken = set((await session.scalars(sa.select(col(ExpoPass.code)).where(col(ExpoPass.expo_id) == expo_id))).all())
    ids: list[int] = []
    for data, days in rows:
        assert data.holder_name is not None
        pass_ = await issue(
            session,
            expo_id,
            kind,
            holder_name=data.holder_name,
            days=days,
            actor=actor,
            phone=data.phone,
            email=data.email,
            organisation=data.organisation,
            taken_codes=taken,
            note="csv import",
        )
        assert pass_.id is not None
        ids.append(pass_.id)
    return ImportResult(created=len(ids), pass_ids=ids)
