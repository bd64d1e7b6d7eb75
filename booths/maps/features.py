"""Venue features (doors, stage, musholla, toilets, columns, marked aisles, ...) and per-expo map rules.

Features are managed like booths: one at a time through the API, or all at once from a CSV. A CSV
import replaces every feature of the expo, checked whole and applied whole, or not at all.
"""

import csv
import io

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.maps.models import FeatureKind, VenueFeature, VenueMap
from booths.maps.schemas import FeatureCreate, FeatureRead, FeatureUpdate, MapRules, MapRulesUpdate
from booths.venue import geometry
from booths.venue.models import Hall
from booths.venue.service import get_expo, get_hall
from expo import audit
from expo.accounts import CurrentUser
from expo.audit import changed, snapshot
from expo.csv_export import csv_text, restore
from expo.errors import FieldProblem, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.i18n import N_
from expo.problems import field_message

CSV_COLUMNS = ["hall", "kind", "label", "x_m", "y_m", "width_m", "depth_m"]
MAX_ROWS = 2000
FEATURE_FIELDS = ("hall_id", "kind", "label", "x_m", "y_m", "width_m", "depth_m")

KIND_NAMES = {
    FeatureKind.ENTRANCE: N_("Entrance"),
    FeatureKind.EXIT: N_("Exit"),
    FeatureKind.STAGE: N_("Stage"),
    FeatureKind.MUSHOLLA: N_("Musholla (prayer room)"),
    FeatureKind.TOILET: N_("Toilets"),
    FeatureKind.INFO: N_("Information"),
    FeatureKind.FIRST_AID: N_("First aid"),
    FeatureKind.REGISTRATION: N_("Registration"),
    FeatureKind.FOOD_COURT: N_("Food court"),
    FeatureKind.COLUMN: N_("Column"),
    FeatureKind.WALL: N_("Wall"),
    FeatureKind.AISLE: N_("Aisle"),
}


def feature_read(feature: VenueFeature, hall_code: str) -> FeatureRead:
    assert feature.id is not None
    return FeatureRead(
        id=feature.id,
        hall_id=feature.hall_id,
        hall_code=hall_code,
        kind=FeatureKind(feature.kind),
        label=feature.label,
        x_m=feature.x_m,
        y_m=feature.y_m,
        width_m=feature.width_m,
        depth_m=feature.depth_m,
    )


async def list_features(session: AsyncSession, expo_id: int, hall_id: int | None = None) -> list[FeatureRead]:
    stmt = (
        sa.select(VenueFeature, col(Hall.code))
        .join(Hall, col(Hall.id) == col(VenueFeature.hall_id))
        .where(col(VenueFeature.expo_id) == expo_id)
        .order_by(col(Hall.code), col(VenueFeature.kind), col(VenueFeature.label), col(VenueFeature.id))
    )
    if hall_id is not None:
        stmt = stmt.where(col(VenueFeature.hall_id) == hall_id)
    return [feature_read(feature, code) for feature, code in (await session.execute(stmt)).all()]


async def get_feature(session: AsyncSession, feature_id: int) -> VenueFeature:
    feature = await session.get(VenueFeature, feature_id)
    if feature is None:
        raise NotFound(N_("No such venue feature."), code="feature_not_found")
    return feature


def _check_inside(hall: Hall, rect: geometry.Rect, field: str = "x_m") -> None:
    if not geometry.inside(rect, hall.width_m, hall.depth_m):
        raise InvalidInput(
            N_("The feature does not fit inside its hall."),
            code="feature_outside_hall",
            fields=[
                FieldProblem(
                    field,
                    N_("The feature must lie inside hall %(hall)s (%(w)s x %(d)s m)."),
                    {"hall": hall.code, "w": hall.width_m, "d": hall.depth_m},
                )
            ],
        )


def _subject(feature: VenueFeature) -> str:
    return f"{feature.kind} {feature.label}".strip()


async def create_feature(
    session: AsyncSession, expo_id: int, data: FeatureCreate, by: CurrentUser | None = None
) -> tuple[VenueFeature, Hall]:
    await get_expo(session, expo_id)
    hall = await get_hall(session, data.hall_id, expo_id)
    _check_inside(hall, geometry.Rect(data.x_m, data.y_m, data.width_m, data.depth_m))
    feature = VenueFeature(expo_id=expo_id, **data.model_dump())
    session.add(feature)
    await session.flush()
    if by is not None:
        after = snapshot(feature, FEATURE_FIELDS)
        await audit.record(session, by, expo_id, "feature.created", _subject(feature), after=after)
    return feature, hall


async def update_feature(
    session: AsyncSession, feature_id: int, data: FeatureUpdate, by: CurrentUser | None = None
) -> tuple[VenueFeature, Hall]:
    feature = await get_feature(session, feature_id)
    before = snapshot(feature, FEATURE_FIELDS)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    hall = await get_hall(session, changes.get("hall_id", feature.hall_id), feature.expo_id)
    rect = geometry.Rect(
        changes.get("x_m", feature.x_m),
        changes.get("y_m", feature.y_m),
        changes.get("width_m", feature.width_m),
        changes.get("depth_m", feature.depth_m),
    )
    _check_inside(hall, rect)
    for key, value in changes.items():
        setattr(feature, key, value)
    feature.updated_at = utcnow()
    await session.flush()
    old, new = changed(before, snapshot(feature, FEATURE_FIELDS))
    if by is not None and new:
        action = "feature.moved" if set(new) <= {"hall_id", "x_m", "y_m"} else "feature.updated"
        await audit.record(session, by, feature.expo_id, action, _subject(feature), before=old, after=new)
    return feature, hall


async def delete_feature(session: AsyncSession, feature_id: int, by: CurrentUser | None = None) -> int:
    """Delete a feature; returns its expo's id."""
    feature = await get_feature(session, feature_id)
    expo_id = feature.expo_id
    if by is not None:
        before = snapshot(feature, FEATURE_FIELDS)
        await audit.record(session, by, expo_id, "feature.deleted", _subject(feature), before=before)
    await session.delete(feature)
    await session.flush()
    return expo_id


# --- CSV ---------------------------------------------------------------------------------------
async def export_features(session: AsyncSession, expo_id: int) -> str:
    await get_expo(session, expo_id)
    return csv_text(
        CSV_COLUMNS,
        (
            [f.hall_code, f.kind.value, f.label, *(float(v) for v in (f.x_m, f.y_m, f.width_m, f.depth_m))]
            for f in await list_features(session, expo_id)
        ),
    )


def _records(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(N_("The file is not UTF-8 text."), code="csv_encoding") from None
    if "\x00" in text:
        raise InvalidInput(N_("The file is not a readable CSV."), code="csv_unreadable")
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in CSV_COLUMNS if c not in header and c != "label"]
        if missing:
            raise InvalidInput(
                N_("The CSV lacks columns: %(columns)s."), code="csv_columns", params={"columns": ", ".join(missing)}
            )
        records = []
        for line, row in enumerate(reader, start=2):
            if line - 1 > MAX_ROWS:
                raise InvalidInput(
                    N_("At most %(max)s rows per import."), code="csv_too_many_rows", params={"max": MAX_ROWS}
                )
            # ``restore`` undoes the export's formula quoting, so an export imports back unchanged.
            records.append(
                (line, {(k or "").strip(): restore((v or "").strip()) for k, v in row.items() if isinstance(v, str)})
            )
    except csv.Error:
        raise InvalidInput(N_("The file is not a readable CSV."), code="csv_unreadable") from None
    return records


async def import_features(session: AsyncSession, expo_id: int, raw: bytes, by: CurrentUser | None = None) -> int:
    """Replace every feature of the expo with the CSV's rows; returns how many there are now."""
    await get_expo(session, expo_id)
    halls = {h.code: h for h in (await session.scalars(sa.select(Hall).where(col(Hall.expo_id) == expo_id))).all()}
    problems: list[FieldProblem] = []
    rows: list[VenueFeature] = []
    for line, record in _records(raw):
        hall = halls.get(record.get("hall", "").upper())
        if hall is None or hall.id is None:
            problems.append(
                FieldProblem(f"rows.{line}.hall", N_("Unknown hall %(hall)s."), {"hall": record.get("hall", "")[:20]})
            )
            continue
        values = {k: record.get(k, "") for k in CSV_COLUMNS if k != "hall"}
        try:
            data = FeatureCreate.model_validate(values | {"hall_id": hall.id, "kind": values["kind"].lower()})
        except ValidationError as exc:
            for error in exc.errors():
                msgid, params = field_message(str(error["msg"]))
                problems.append(FieldProblem(f"rows.{line}.{error['loc'][0] if error['loc'] else ''}", msgid, params))
            continue
        rect = geometry.Rect(data.x_m, data.y_m, data.width_m, data.depth_m)
        if not geometry.inside(rect, hall.width_m, hall.depth_m):
            problems.append(
                FieldProblem(
                    f"rows.{line}.x_m",
                    N_("The feature must lie inside hall %(hall)s (%(w)s x %(d)s m)."),
                    {"hall": hall.code, "w": hall.width_m, "d": hall.depth_m},
                )
            )
            continue
        rows.append(VenueFeature(expo_id=expo_id, **data.model_dump()))
    if problems:
        raise InvalidInput(N_("The CSV has errors; nothing was imported."), code="csv_invalid", fields=problems[:200])
    await session.execute(sa.delete(VenueFeature).where(col(VenueFeature.expo_id) == expo_id))
    session.add_all(rows)
    await session.flush()
    if by is not None:
        await audit.record(session, by, expo_id, "features.imported", after={"features": len(rows)})
    return len(rows)


# --- map settings ------------------------------------------------------------------------------
async def map_settings(session: AsyncSession, expo_id: int, *, for_update: bool = False) -> VenueMap:
    """The expo's map settings; the defaults (not stored) until something is changed, then a stored row."""
    row = await session.scalar(sa.select(VenueMap).where(col(VenueMap.expo_id) == expo_id))
    if row is None:
        row = VenueMap(expo_id=expo_id)
        if for_update:
            session.add(row)
            await session.flush()
    return row


def rules_read(settings: VenueMap) -> MapRules:
    return MapRules(
        min_aisle_m=settings.min_aisle_m,
        exit_clearance_m=settings.exit_clearance_m,
        min_access_m=settings.min_access_m,
    )


async def update_rules(session: AsyncSession, expo_id: int, data: MapRulesUpdate) -> VenueMap:
    await get_expo(session, expo_id)
    settings = await map_settings(session, expo_id, for_update=True)
    for key, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(settings, key, value)
    settings.updated_at = utcnow()
    await session.flush()
    return settings
