"""The migrations build exactly the schema the models describe, on every database."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from matchmaker import create_app
from matchmaker.config import TestConfig
from matchmaker.extensions import db
from matchmaker.models import Base
from tests.conftest import BACKENDS, fresh_database_url

pytestmark = pytest.mark.slow  # upgrades a fresh database through every migration


def schema_differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def table_names(engine) -> set[str]:
    import sqlalchemy as sa

    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


@pytest.fixture
def keep_logging():
    """migrations/env.py calls logging.config.fileConfig, which disables every existing logger
    (the app's included) and replaces the root handlers; undo that for the tests that follow."""
    import logging

    manager = logging.root.manager
    disabled = {name: getattr(lg, "disabled", False) for name, lg in manager.loggerDict.items()}
    root_handlers, root_level = list(logging.root.handlers), logging.root.level
    yield
    for name, logger in manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)
    for handler in logging.root.handlers:
        if handler not in root_handlers:
            logging.root.removeHandler(handler)
    for handler in root_handlers:
        if handler not in logging.root.handlers:
            logging.root.addHandler(handler)
    logging.root.setLevel(root_level)


# migrations/env.py (Flask-Migrate's template) still tries the deprecated get_engine() first.
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.usefixtures("keep_logging")
def test_migrations_match_the_models(backend, tmp_path):
    import flask_migrate

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url(backend, "migrations", tmp_path)

    app = create_app(Config)
    with app.app_context():
        try:
            flask_migrate.upgrade()
            differences = schema_differences(db.engine)
            assert differences == [], (
                "The models differ from the migrations; ask the lead for a migration:\n"
                + "\n".join(map(str, differences))
            )
            flask_migrate.downgrade(revision="base")
            assert table_names(db.engine) == set()
            flask_migrate.upgrade()
            assert table_names(db.engine) == set(Base.metadata.tables)
        finally:
            db.session.remove()
            db.engine.dispose()
