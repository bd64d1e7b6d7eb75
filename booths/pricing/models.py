"""The committee's words for the exhibitor classes of one expo, and whether a class needs approval.

The classes themselves are the fixed codes of ``booths.exhibitors.models.ExhibitorClass`` (stored on
every exhibitor, application and package price); an expo without a row for a class uses its standard
name and needs approval for a reduced price.
"""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class ClassSetting(SQLModel, table=True):
    __tablename__ = "exhibitor_class_setting"
    __table_args__ = (sa.UniqueConstraint("expo_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=sa.String(16))
    name: str = Field(default="", sa_type=sa.String(80))  # empty: the standard name, in the reader's language
    needs_approval: bool = True
