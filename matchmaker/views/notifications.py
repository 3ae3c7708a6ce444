"""In-app notices (list, mark read) and each user's notification preferences."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import web
from matchmaker.extensions import db
from matchmaker.forms import ActionForm
from matchmaker.services import notifications as service

bp = Blueprint("notifications", __name__, url_prefix="/notices")
PER_PAGE = 30


@bp.route("/")
@login_required
def index():
    page = db.paginate(service.notices_query(current_user), per_page=PER_PAGE, error_out=False)
    return render_template("notifications/index.html", page=page)


@bp.route("/<int:notice_id>/read", methods=["POST"])
@login_required
def read(notice_id: int):
    web.require_action()
    if not service.mark_read(current_user, notice_id):
        # Someone else's notice, or already read: say nothing about which.
        return redirect(url_for("notifications.index"))
    return redirect(url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    web.require_action()
    service.mark_read(current_user)
    flash(_("All notices are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    form = ActionForm()
    if form.validate_on_submit():
        choices = {kind: (request.form.get(f"email-{kind}") == "1",
                          request.form.get(f"app-{kind}") == "1") for kind in service.KINDS}
        service.save_preferences(current_user, choices)
        flash(_("Your notification preferences are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    current = service.preferences(current_user)
    rows = [(kind, label, *current[kind]) for kind, (label, _e, _a) in service.KINDS.items()]
    if not current_user.is_buyer:
        rows = [row for row in rows if row[0] != "badge_scan"]
    return render_template("notifications/preferences.html", rows=rows, form=form)
