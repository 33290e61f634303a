"""Alembic environment: runs on a connection handed over by contactpoint.store.migrate.

From the command line (`alembic -c src/contactpoint/store/alembic.ini ...`, for writing new
revisions) it connects to the URL the settings resolve to.
"""

from alembic import context
from sqlalchemy import Connection

from contactpoint.settings import Settings
from contactpoint.store.engine import make_engine
from contactpoint.store.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


handed_over = context.config.attributes.get("connection")
if handed_over is not None:
    _run(handed_over)
else:
    engine = make_engine(Settings().resolved_database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()
