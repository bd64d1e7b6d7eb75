"""Booths to and from CSV. An import is checked whole and applied whole, or not at all."""

import csv
import io
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from litestar import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from booths import geometry
from booths.models import Booth, BoothPackage, Hall, ProductCluster
from booths.schemas import BoothCreate, CsvImportResult
from booths.venue import booth_is_booked, get_expo
from expo.errors import DomainError, FieldProblem, InvalidInput
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
MAX_ROWS = 5000
_TRUE = {"1", "true", "yes", "ya", "y"}
_FALSE = {"", "0", "false", "no", "tidak", "n"}


class TooLarge(DomainError):
    status = 413
    default_code = "too_large"
    default_message = "The file is too large (at most %(max)s bytes)."


async def export_booths(session: AsyncSession, expo_id: int) -> str:
    await get_expo(session, expo_id)
    rows = (
        await session.execute(
            sa.select(Booth, Hall.code, BoothPackage.code)
            .join(Hall, Hall.id == Booth.hall_id)
            .join(BoothPackage, BoothPackage.id == Booth.package_id)
            .where(Booth.expo_id == expo_id)
            .order_by(Hall.code, Booth.code)
        )
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for booth, hall_code, package_code in rows:
        writer.writerow(
            [
                hall_code,
                booth.code,
                _num(booth.x_m),
                _num(booth.y_m),
                _num(booth.width_m),
                _num(booth.depth_m),
                booth.booth_type or "",
                booth.cluster or "",
                package_code,
                "yes" if booth.blocked else "no",
                booth.blocked_reason or "",
            ]
        )
    return out.getvalue()


def _num(value: float) -> str:
    return f"{value:g}"


async def read_upload(request: Request[Any, Any, Any], max_bytes: int) -> bytes:
    """The CSV bytes from a ``text/csv`` body or a multipart form's ``file`` field."""
    content_type = request.headers.get("content-type", "")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + 10_000:
        raise TooLarge(params={"max": max_bytes})
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput(fields=[FieldProblem("file", "Attach a CSV file.")])
        raw = await upload.read()
    else:
        raw = await request.body()
    if len(raw) > max_bytes:
        raise TooLarge(params={"max": max_bytes})
    return raw


@dataclass
class _Row:
    line: int
    hall: Hall
    package: BoothPackage
    data: BoothCreate
    blocked: bool
    blocked_reason: str | None


async def import_booths(session: AsyncSession, expo_id: int, raw: bytes) -> CsvImportResult:
    await get_expo(session, expo_id)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text.", code="csv_encoding") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("hall", "code", "x_m", "y_m", "width_m", "depth_m", "package") if c not in header]
    if missing:
        raise InvalidInput(
            "The CSV lacks columns: %(columns)s.", code="csv_columns", params={"columns": ", ".join(missing)}
        )
    halls = {h.code: h for h in (await session.scalars(sa.select(Hall).where(Hall.expo_id == expo_id))).all()}
    packages = {
        p.code: p for p in (await session.scalars(sa.select(BoothPackage).where(BoothPackage.expo_id == expo_id))).all()
    }
    clusters = set(
        (await session.scalars(sa.select(ProductCluster.code).where(ProductCluster.expo_id == expo_id))).all()
    )
    problems: list[FieldProblem] = []
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(reader, start=2):  # line 1 is the header
        if index - 1 > MAX_ROWS:
            raise InvalidInput("At most %(max)s rows per import.", code="csv_too_many_rows", params={"max": MAX_ROWS})
        record = {(k or "").strip(): (v or "").strip() for k, v in record.items() if isinstance(v, str)}
        row = _parse_row(index, record, halls, packages, clusters, problems)
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
    existing = {b.code: b for b in (await session.scalars(sa.select(Booth).where(Booth.expo_id == expo_id))).all()}
    for row in rows:
        booth = existing.get(row.data.code)
        if booth is not None and _moves(booth, row) and await booth_is_booked(session, booth.id or 0):
            problems.append(
                FieldProblem(
                    f"rows.{row.line}.code", "Booth %(code)s is booked and cannot be moved.", {"code": booth.code}
                )
            )
        if row.blocked and booth is not None and await booth_is_booked(session, booth.id or 0):
            problems.append(
                FieldProblem(
                    f"rows.{row.line}.blocked", "Booth %(code)s is booked and cannot be blocked.", {"code": booth.code}
                )
            )
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
    return CsvImportResult(created=created, updated=updated)


def _parse_row(
    line: int,
    record: dict[str, str],
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
        data = BoothCreate(
            hall_id=hall.id if hall and hall.id else 0,
            package_id=package.id if package and package.id else 0,
            code=record.get("code", ""),
            x_m=record.get("x_m", ""),
            y_m=record.get("y_m", ""),  # type: ignore[arg-type]
            width_m=record.get("width_m", ""),
            depth_m=record.get("depth_m", ""),  # type: ignore[arg-type]
            booth_type=record.get("type") or None,
            cluster=cluster,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        for err in exc.errors():
            msgid, params = field_message(err["msg"])
            problems.append(FieldProblem(f"rows.{line}.{'.'.join(str(p) for p in err['loc'])}", msgid, params))
        return None
    if len(problems) > before or hall is None or package is None:
        return None
    reason = record.get("blocked_reason") or None
    return _Row(line, hall, package, data, blocked_text in _TRUE, reason[:200] if reason else None)


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
                    where = line if line is not None else other_line
                    problems.append(
                        FieldProblem(
                            f"rows.{where}.x_m", "Booth %(a)s overlaps booth %(b)s.", {"a": code, "b": other_code}
                        )
                    )
    return problems
