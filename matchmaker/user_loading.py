"""Loading the logged-in person for a page view: one round trip, and no ORM row processing
when their row has not changed since this process last loaded it.

Flask-Login asks for the user on every request. The row (user and buyer profile, with the
menu's unread-notice count) is read with one Core statement on the session's connection;
if it equals, column for column, the copy this process loaded earlier, that copy is merged
into the session without SQL (`Session.merge(load=False)`), which costs less than letting
the ORM build the objects from the row again. Any difference (a new name, session version,
profile, role) loads the person through the ORM as before and keeps the new copy. So the
revocation check (`session_version`, `is_active`) still reads the database every request.
"""

from __future__ import annotations

import functools
import threading

import sqlalchemy as sa
from flask import Flask, current_app, request
from sqlalchemy.orm import Session, joinedload

from matchmaker.extensions import UNREAD_NOTICES, db, login_manager
from matchmaker.models import BuyerProfile, LotInterest, Notice, User

# This request's person's lot actions version, as (user id, version), on the WSGI environ.
LOT_ACTIONS = "matchmaker.lot_actions"


def lot_actions_version(user) -> tuple | None:
    """The version of `user`'s lot actions read with them on this page view, or None."""
    found = request.environ.get(LOT_ACTIONS)
    return found[1] if found is not None and found[0] == user.id else None


def init_app(app: Flask) -> None:
    """Register Flask-Login's user loader."""
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    """The person a session names, if that session is still valid.

    Sessions name "<user id>:<session version>"; a cookie of an older version (or the old
    bare id) is void, which is how a log-out anywhere ends every session.
    """
    account, _sep, version = user_id.partition(":")
    if not (account.isdigit() and version.isdigit()):
        return None
    # The buyer profile comes with the user (one LEFT JOIN): pages ask for its country to
    # show prices in soles. A page view also takes the menu's notice count in the same round
    # trip (`templating.unread_notices`); other requests may change it before showing it.
    if request.method in ("GET", "HEAD"):
        user, unread, actions = load_for_page_view(int(account))
        if user is not None:
            request.environ[UNREAD_NOTICES] = (user.id, unread)
            request.environ[LOT_ACTIONS] = (user.id, actions)
    else:
        user = db.session.get(User, int(account), options=[joinedload(User.buyer_profile)])
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


@functools.cache
def _columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The attribute names of User's and BuyerProfile's columns, in table order."""
    def attributes(model) -> tuple[str, ...]:
        by_column = {prop.columns[0].key: prop.key for prop in sa.inspect(model).column_attrs}
        return tuple(by_column[column.key] for column in model.__table__.c)

    return attributes(User), attributes(BuyerProfile)


def _unread():
    user, notice = User.__table__, Notice.__table__
    return (sa.select(sa.func.count()).select_from(notice)
            .where(notice.c.user_id == user.c.id, notice.c.is_visible.is_(True),
                   notice.c.read_at.is_(None))
            .correlate(user).scalar_subquery())


def _actions():
    """The person's lot actions ("interested", sample requests) as (count, newest id): any
    new or removed action changes it (ids only grow)."""
    user, interest = User.__table__, LotInterest.__table__
    mine = interest.c.buyer_id == user.c.id
    return (sa.select(sa.func.count()).select_from(interest).where(mine)
            .correlate(user).scalar_subquery(),
            sa.select(sa.func.max(interest.c.id)).where(mine).correlate(user).scalar_subquery())


# Columns after the user's and the profile's: unread notices, then `_actions`.
_EXTRA = 3


@functools.cache
def _row_statement():
    user, profile = User.__table__, BuyerProfile.__table__
    return (sa.select(*user.c, *profile.c, _unread(), *_actions())
            .select_from(user.outerjoin(profile, profile.c.user_id == user.c.id))
            .where(user.c.id == sa.bindparam("account")))


@functools.cache
def _orm_statement():
    return (sa.select(User).options(joinedload(User.buyer_profile))
            .where(User.id == sa.bindparam("account")))


@functools.cache
def _orm_statement_with_extras():
    return _orm_statement().add_columns(_unread(), *_actions())


def _values(user: User) -> tuple:
    user_attributes, profile_attributes = _columns()
    profile = user.buyer_profile
    return (tuple(getattr(user, name) for name in user_attributes)
            + tuple(getattr(profile, name) if profile is not None else None
                    for name in profile_attributes))


class _Copies:
    def __init__(self) -> None:
        self.by_id: dict[int, tuple[tuple, User]] = {}
        self.lock = threading.Lock()


def _copies() -> _Copies:
    return current_app.extensions.setdefault("user_copies", _Copies())


def _detached_copy(account: int) -> User | None:
    """The person and their profile, loaded in a session of their own and detached from it."""
    with Session(db.engine) as own:
        user = own.execute(_orm_statement(), {"account": account}).scalar()
        own.expunge_all()
    return user


def load_for_page_view(account: int) -> tuple[User | None, int, tuple]:
    """(the user with their buyer profile, in this request's session; unread notices; the
    version of their lot actions)."""
    session = db.session
    if session.identity_map.get(Session.identity_key(User, account)) is not None:
        # Already in this session (tests share one across requests): the ORM answers from it.
        row = session.execute(_orm_statement_with_extras(), {"account": account}).first()
        return (row[0], row[1] or 0, tuple(row[2:])) if row is not None else (None, 0, ())
    row = session.connection().execute(_row_statement(), {"account": account}).first()
    if row is None:
        return None, 0, ()
    values, unread, actions = tuple(row[:-_EXTRA]), row[-_EXTRA] or 0, tuple(row[-2:])
    copies = _copies()
    found = copies.by_id.get(account)
    if found is None or found[0] != values:
        copy = _detached_copy(account)
        if copy is None or _values(copy) != values:  # changed in between: use the ORM
            return (session.execute(_orm_statement(), {"account": account}).scalar(), unread,
                    actions)
        with copies.lock:
            if len(copies.by_id) > 10_000:  # a bound; loading a copy again is cheap
                copies.by_id.clear()
            copies.by_id[account] = found = (values, copy)
    return session.merge(found[1], load=False), unread, actions
