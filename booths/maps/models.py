"""Tables of booth maps: venue features and each expo's map settings."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


# --- booth maps: venue features and map settings -----------------------------------------------
class FeatureKind(StrEnum):
    """What a venue feature is. Doors (entrance, exit) sit on a wall and must be kept clear."""

    ENTRANCE = "entrance"
    EXIT = "exit"
    STAGE = "stage"
    MUSHOLLA = "musholla"
    TOILET = "toilet"
    INFO = "info"
    FIRST_AID = "first_aid"
    REGISTRATION = "registration"
    FOOD_COURT = "food_court"
    COLUMN = "column"
    WALL = "wall"
    AISLE = "aisle"


class VenueFeature(SQLModel, table=True):
    """Something on the floor plan besides booths (a rectangle in metres, like a booth)."""

    __tablename__ = "venue_feature"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    hall_id: int = Field(foreign_key="hall.id", ondelete="CASCADE", index=True)
    kind: FeatureKind = Field(sa_type=sa.String(16))
    label: str = Field(default="", sa_type=sa.String(80))
    x_m: float
    y_m: float
    width_m: float
    depth_m: float
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class VenueMap(SQLModel, table=True):
    """One expo's map settings: the layout check's thresholds and whether the public map is published."""

    __tablename__ = "venue_map"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", unique=True)
    min_aisle_m: float = 3.0
    exit_clearance_m: float = 2.0
    min_access_m: float = 1.0
    published_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
