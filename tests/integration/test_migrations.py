from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from contactpoint.store import migrate
from contactpoint.store.models import Base


def test_migrations_reach_head_and_match_the_models(runtime):
    assert migrate.current_revision(runtime.engine) == migrate.head_revision()
    with runtime.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrading_again_changes_nothing(runtime):
    before = set(inspect(runtime.engine).get_table_names())
    migrate.upgrade(runtime.engine)
    assert set(inspect(runtime.engine).get_table_names()) == before
    assert {"children", "record_keys", "blind_index", "issued_ids"} <= before
