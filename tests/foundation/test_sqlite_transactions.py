"""Transactions mean the same on SQLite as on PostgreSQL: a savepoint opened first in a
transaction does not commit it, and the pragmas the site relies on still hold.

pysqlite on its own begins a transaction only before an INSERT/UPDATE/DELETE; a SAVEPOINT sent
first then opened the transaction and its RELEASE committed it, so a later rollback undid
nothing. matchmaker/extensions.py turns the driver's transaction handling off (SQLAlchemy's
recipe for pysqlite) and sends BEGIN itself before the first write or savepoint.
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.services.organisations import save_organisation


def _organisation(name: str) -> Organisation:
    return save_organisation(
        None, name=name, kind="association", ruc=None, region="Madre de Dios",
        province="Tambopata", community="Comunidad", description_es="", description_en="",
        contact_email="", contact_phone="", website="", cooperative_id=None)


def _names() -> set[str]:
    return set(db.session.scalars(db.select(Organisation.name)))


def test_a_savepoint_released_first_is_undone_by_the_outer_rollback(app):
    db.session.rollback()  # the savepoint is the first statement of the transaction
    with db.session.begin_nested():
        _organisation("Saved in a savepoint")
    assert "Saved in a savepoint" in _names()
    db.session.rollback()
    db.session.remove()  # a new session and connection: only what was committed
    assert "Saved in a savepoint" not in _names()


def test_a_savepoint_rolled_back_keeps_the_work_before_it(app):
    _organisation("Kept")
    try:
        with db.session.begin_nested():
            _organisation("Undone")
            raise RuntimeError("refused")
    except RuntimeError:
        pass
    db.session.commit()
    db.session.remove()
    assert {"Kept", "Undone"} & _names() == {"Kept"}


def test_sqlite_begins_before_the_first_write_and_reads_hold_no_lock(app, backend):
    if backend != "sqlite":
        pytest.skip("SQLite's driver settings")
    db.session.rollback()
    connection = db.session.connection()
    driver = connection.connection.driver_connection
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    _names()
    # A read takes no lock that would make other writers wait (the worker, the live server).
    assert not driver.in_transaction
    _organisation("Written")
    assert driver.in_transaction  # BEGIN came before the INSERT, sent by us, not the driver
    db.session.rollback()
    assert not driver.in_transaction and "Written" not in _names()


def test_foreign_keys_are_still_enforced(app):
    with pytest.raises(IntegrityError):
        db.session.add(Organisation(name="Orphan", slug="orphan", cooperative_id=999_999))
        db.session.flush()
    db.session.rollback()
