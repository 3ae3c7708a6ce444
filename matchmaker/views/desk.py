"""The rep's landing page after log-in: what needs them today."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from matchmaker.services.meetings import seats
from matchmaker.services.meetings.desk import rep_desk

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.get("/")
@login_required
def today():
    if not current_user.is_approved_rep:
        abort(403)
    desk = rep_desk(current_user)
    covering = {}
    for event_id in {m.event_id for m in desk.meetings}:
        covering |= seats.seats_of_rep_view(
            current_user, event_id, [m for m in desk.today + desk.upcoming
                                     if m.event_id == event_id])
    return render_template("desk/today.html", desk=desk, covering=covering)
