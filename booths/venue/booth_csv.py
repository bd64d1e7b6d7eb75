"""Booths to and from CSV. An import is checked whole and applied whole, or not at all."""

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.holds import booth_is_booked
from booths.venue import geometry
from booths.venue.models import Booth, BoothPackage, Hall, ProductCluster
from booths.venue.schemas import BoothCreate, CsvImportResult
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.audit import record
from expo.csv_export import csv_text, restore
from expo.errors import FieldProblem, InvalidInput
from expo.formatting import utcnow
from expo.problems import field_message

COLUMNS = [
    "hall",
    "code",
    "x_m",
    "y_m",
    "width_m",
    "depth_m",
    "type",
    "cluster",
    "package",
    "blocked",
    "blocked_reason",
]
# Problems name the CSV's column, not the schema's field.
_COLUMN_OF = {"booth_type": "type", "hall_id": "hall", "package_id": "package"}
MAX_ROWS = 5000
_TRUE = {"1", "true", "yes", "ya", "y"}
_FALSE = {"", "0", "false", "no", "tidak", "n"}


async def export_booths(session: AsyncSession, expo_id: int) -> str:
    await get_expo(session, expo_id)
    rows = (
        await session.execute(
            sa.select(Booth, col(Hall.code), col(BoothPackage.code))
            .join(Hall, col(Hall.id) == col(Booth.hall_id))
            .join(BoothPackage, col(BoothPackage.id) == col(Booth.package_id))
            .where(col(Booth.expo_id) == expo_id)
            .order_by(col(Hall.code), col(Booth.code))
        )
    ).all()
    return csv_text(
        COLUMNS,
        (
            [
                hall_code,
                booth.code,
                float(booth.x_m),
                float(booth.y_m),
                float(booth.width_m),
                float(booth.depth_m),
                booth.booth_type or "",
                booth.cluster or "",
                package_code,
                "yes" if booth.blocked else "no",
                booth.blocked_reason or "",
            ]
            for booth, hall_code, package_code in rows
        ),
    )


@dataclass
class _Row:
    line: int
    hall: Hall
    package: BoothPackage
    data: BoothCreate
    blocked: bool
    blocked_reason: str | None


async def import_booths(
    session: AsyncSession, expo_id: int, raw: bytes, by: CurrentUser | None = None
) -> CsvImportResult:
    await get_expo(session, expo_id)
    reader = _reader(raw)
    halls = {h.code: h for h in (await session.scalars(sa.select(Hall).where(col(Hall.expo_id) == expo_id))).all()}
    packages = {
        p.code: p
        for p in (await session.scalars(sa.select(BoothPackage).where(col(BoothPackage.expo_id) == expo_id))).all()
    }
    clusters = set(
        (await session.scalars(sa.select(col(ProductCluster.code)).where(col(ProductCluster.expo_id) == expo_id))).all()
    )
    problems: list[FieldProblem] = []
    rows = _read_rows(reader, halls, packages, clusters, problems)
    existing = {b.code: b for b in (await session.scalars(sa.select(Booth).where(col(Booth.expo_id) == expo_id))).all()}
    problems.extend(await _booked_problems(session, rows, existing))
    problems.extend(_layout_problems(rows, existing, halls))
    if problems:
        raise InvalidInput("The CSV has errors; nothing was imported.", code="csv_invalid", fields=problems[:200])
    created = updated = 0
    now = utcnow()
    for row in rows:
        values = row.data.model_dump() | {"blocked": row.blocked, "blocked_reason": row.blocked_reason}
        booth = existing.get(row.data.code)
        if booth is None:
            session.add(Booth(expo_id=expo_id, **values))
            created += 1
        else:
            for key, value in values.items():
                setattr(booth, key, value)
            booth.updated_at = now
            updated += 1
    await session.flush()
    if by is not None:
        await record(session, by, expo_id, "booths.imported", after={"created": created, "updated": updated})
    return CsvImportResult(created=created, updated=updated)


def _reader(raw: bytes) -> "csv.DictReader[str]":
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text.", code="csv_encoding") from None
    if "\x00" in text:  # no text file has one, and PostgreSQL cannot store it
        raise InvalidInput("The file is not a readable CSV.", code="csv_unreadable")
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error:
        raise InvalidInput("The file is not a readable CSV.", code="csv_unreadable") from None
    missing = [c for c in ("hall", "code", "x_m", "y_m", "width_m", "depth_m", "package") if c not in header]
    if missing:
        raise InvalidInput(
            "The CSV lacks columns: %(columns)s.", code="csv_columns", params={"columns": ", ".join(missing)}
        )
    return reader


def _read_rows(
    reader: "csv.DictReader[str]",
    halls: dict[str, Hall],
    packages: dict[str, BoothPackage],
    clusters: set[str],
    problems: list[FieldProblem],
) -> list[_Row]:
    """Parse every line, collecting problems; a code twice in the file is a problem of the later line."""
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    index = 1  # line 1 is the header
    try:
        for index, raw_record in enumerate(reader, start=2):
            if index - 1 > MAX_ROWS:
                raise InvalidInput(
                    "At most %(max)s rows per import.", code="csv_too_many_rows", params={"max": MAX_ROWS}
                )
            # ``restore`` undoes the export's formula quoting, so an export imports back unchanged.
            record = {
                (k or "").strip(): restore((v or "").strip()) for k, v in raw_record.items() if isinstance(v, str)
            }
            row = _parse_row(index, record, halls=halls, packages=packages, clusters=clusters, problems=problems)
            if row is None:
                continue
            if row.data.code in seen:
                problems.append(
                    FieldProblem(
                        f"rows.{index}.code",
                        "Code %(code)s appears twice (line %(other)s).",
                        {"code": row.data.code, "other": seen[row.data.code]},
                    )
                )
                continue
            seen[row.data.code] = index
            rows.append(row)
    except csv.Error:  # a NUL byte, an overlong field, ...
        problems.append(FieldProblem(f"rows.{index + 1}", "This line is not readable CSV."))
    return rows


async def _booked_problems(session: AsyncSession, rows: list[_Row], existing: dict[str, Booth]) -> list[FieldProblem]:
    """Booked booths keep their place and cannot be blocked."""
    problems: list[FieldProblem] = []
    for row in rows:
        booth = existing.get(row.data.code)
        if booth is None or not (row.blocked or _moves(booth, row)):
            continue
        if not await booth_is_booked(session, booth.id or 0):
            continue
        if _moves(booth, row):
            problems.append(
                FieldProblem(
                    f"rows.{row.line}.code", "Booth %(code)s is booked and cannot be moved.", {"code": booth.code}
                )
            )
        if row.blocked:
            problems.append(
                FieldProblem(
                    f"rows.{row.line}.blocked", "Booth %(code)s is booked and cannot be blocked.", {"code": booth.code}
                )
            )
    return problems


def _parse_row(
    line: int,
    record: dict[str, str],
    *,
    halls: dict[str, Hall],
    packages: dict[str, BoothPackage],
    clusters: set[str],
    problems: list[FieldProblem],
) -> _Row | None:
    before = len(problems)
    hall = halls.get(record.get("hall", "").upper())
    if hall is None:
        problems.append(FieldProblem(f"rows.{line}.hall", "Unknown hall %(code)s.", {"code": record.get("hall", "")}))
    package = packages.get(record.get("package", ""))
    if package is None:
        problems.append(
            FieldProblem(f"rows.{line}.package", "Unknown package %(code)s.", {"code": record.get("package", "")})
        )
    cluster = record.get("cluster") or None
    if cluster is not None and cluster not in clusters:
        problems.append(FieldProblem(f"rows.{line}.cluster", "Unknown product cluster %(code)s.", {"code": cluster}))
    blocked_text = record.get("blocked", "").lower()
    if blocked_text not in _TRUE | _FALSE:
        problems.append(FieldProblem(f"rows.{line}.blocked", "Enter yes or no."))
    try:
        data = BoothCreate.model_validate(
            {
                "hall_id": hall.id if hall and hall.id else 0,
                "package_id": package.id if package and package.id else 0,
                "code": record.get("code", ""),
                "x_m": record.get("x_m", ""),
                "y_m": record.get("y_m", ""),
                "width_m": record.get("width_m", ""),
                "depth_m": record.get("depth_m", ""),
                "booth_type": record.get("type") or None,
                "cluster": cluster,
            }
        )
    except ValidationError as exc:
        for err in exc.errors():
            msgid, params = field_message(err["msg"])
            column = ".".join(_COLUMN_OF.get(str(p), str(p)) for p in err["loc"])
            problems.append(FieldProblem(f"rows.{line}.{column}", msgid, params))
        return None
    if len(problems) > before or hall is None or package is None:
        return None
    blocked = blocked_text in _TRUE
    reason = record.get("blocked_reason") or None
    return _Row(line, hall, package, data, blocked, reason[:200] if reason and blocked else None)


def _moves(booth: Booth, row: _Row) -> bool:
    d = row.data
    return (booth.hall_id, booth.x_m, booth.y_m, booth.width_m, booth.depth_m) != (
        d.hall_id,
        d.x_m,
        d.y_m,
        d.width_m,
        d.depth_m,
    )


def _layout_problems(rows: list[_Row], existing: dict[str, Booth], halls: dict[str, Hall]) -> list[FieldProblem]:
    """Check the layout as it would be after the import: inside halls and no overlaps."""
    problems: list[FieldProblem] = []
    final: dict[int, list[tuple[str, geometry.Rect, int | None]]] = {}
    incoming = {r.data.code for r in rows}
    for code, booth in existing.items():
        if code not in incoming:
            final.setdefault(booth.hall_id, []).append(
                (code, geometry.Rect(booth.x_m, booth.y_m, booth.width_m, booth.depth_m), None)
            )
    for row in rows:
        d = row.data
        rect = geometry.Rect(d.x_m, d.y_m, d.width_m, d.depth_m)
        if not geometry.inside(rect, row.hall.width_m, row.hall.depth_m):
            problems.append(
                FieldProblem(
                    f"rows.{row.line}.x_m",
                    "The booth must lie inside hall %(hall)s (%(w)s x %(d)s m).",
                    {"hall": row.hall.code, "w": row.hall.width_m, "d": row.hall.depth_m},
                )
            )
        final.setdefault(d.hall_id, []).append((d.code, rect, row.line))
    for items in final.values():
        items.sort(key=lambda item: item[1].x)
        for i, (code, rect, line) in enumerate(items):
            for other_code, other, other_line in items[i + 1 :]:
                if other.x >= rect.right - geometry.EPS:
                    break
                if geometry.overlaps(rect, other):
                    # Blame the later line of the file (the earlier one was fine when it was read),
                    # never a booth that is already there and not in the file.
                    where = max(n for n in (line, other_line, 0) if n is not None)
                    if not where:
                        continue
                    a, b = (code, other_code) if where == line else (other_code, code)
                    problems.append(
                        FieldProblem(f"rows.{where}.x_m", "Booth %(a)s overlaps booth %(b)s.", {"a": a, "b": b})
                    )
    return problems
