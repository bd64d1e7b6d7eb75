"""a returning business keeps its account: one exhibitor row per expo per user (was: one per user)

``exhibitor.user_id`` was unique, so a business that signed up for one expo could not sign up for the
next with the same e-mail. Now the pair (expo, user) is unique, and ``user_id`` gets a plain index
for the look-up by account. Existing rows satisfy the new constraint (they satisfied the stricter one).

SQLite cannot drop a table constraint in place: the table is rebuilt the documented way (new table,
copy, drop, rename) with foreign keys switched off for that step only, so the rows of other tables
that refer to exhibitors (bookings, passes, applications) are neither deleted nor refused; a foreign
key check runs before the rebuild is committed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 16:10:00
"""

import re
from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PER_USER = "CONSTRAINT uq_exhibitor_user_id UNIQUE (user_id)"
_PER_EXPO_AND_USER = "CONSTRAINT uq_exhibitor_expo_id_user_id UNIQUE (expo_id, user_id)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(_PER_USER, _PER_EXPO_AND_USER, user_index=True)
        return
    op.drop_constraint("uq_exhibitor_user_id", "exhibitor", type_="unique")
    op.create_unique_constraint("uq_exhibitor_expo_id_user_id", "exhibitor", ["expo_id", "user_id"])
    op.create_index("ix_exhibitor_user_id", "exhibitor", ["user_id"], unique=False)


def downgrade() -> None:
    # One account, one exhibitor again: a returning business keeps its account on its latest row.
    op.execute(
        "UPDATE exhibitor SET user_id = NULL WHERE user_id IS NOT NULL AND id <> "
        "(SELECT max(e.id) FROM exhibitor e WHERE e.user_id = exhibitor.user_id)"
    )
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(_PER_EXPO_AND_USER, _PER_USER, user_index=False)
        return
    op.drop_index("ix_exhibitor_user_id", table_name="exhibitor")
    op.drop_constraint("uq_exhibitor_expo_id_user_id", "exhibitor", type_="unique")
    op.create_unique_constraint("uq_exhibitor_user_id", "exhibitor", ["user_id"])


def _rebuild_sqlite(old: str, new: str, *, user_index: bool) -> None:
    """SQLite's twelve-step table change (https://sqlite.org/lang_altertable.html#otheralter): foreign
    keys can only be switched off outside a transaction, hence the autocommit block."""
    with op.get_context().autocommit_block():
        conn = op.get_bind()
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            conn.exec_driver_sql("BEGIN")
            try:
                sql = conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'exhibitor'"
                ).scalar_one()
                if old not in sql:
                    raise RuntimeError(f"exhibitor table without {old!r}: {sql}")
                created = re.sub(
                    r'^CREATE TABLE\s+"?exhibitor"?', "CREATE TABLE exhibitor_rebuilt", sql.replace(old, new)
                )
                conn.exec_driver_sql(created)
                conn.exec_driver_sql("INSERT INTO exhibitor_rebuilt SELECT * FROM exhibitor")
                conn.exec_driver_sql("DROP TABLE exhibitor")
                conn.exec_driver_sql("ALTER TABLE exhibitor_rebuilt RENAME TO exhibitor")
                conn.exec_driver_sql("CREATE INDEX ix_exhibitor_expo_id ON exhibitor (expo_id)")
                if user_index:
                    conn.exec_driver_sql("CREATE INDEX ix_exhibitor_user_id ON exhibitor (user_id)")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the exhibitor rebuild: {broken[:5]}")
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            conn.exec_driver_sql("COMMIT")
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
