"""The one MetaData of every table, with a naming convention set before any table is defined,
so that constraint names are the same on SQLite and PostgreSQL. Every models module imports it."""

from typing import cast

import sqlalchemy as sa
from sqlalchemy import Table, inspect
from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = SQLModel.metadata

# Every moment is stored as an aware timestamp (UTC); SQLite keeps what it is given, so code stores UTC.
TIMESTAMP = sa.DateTime(timezone=True)


def table_of(model: type[SQLModel]) -> Table:
    """A model's Core table, for hot paths that run Core statements without building ORM objects."""
    return cast(Table, inspect(model).local_table)
