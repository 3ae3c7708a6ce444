"""The signed-in user's own profile, password and (for reps) colleague invitations."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from matchmaker import web
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.accounts import (
    BuyerProfileForm,
    ChangePasswordForm,
    InviteForm,
    StaffProfileForm,
)
from matchmaker.models import Invitation, User
from matchmaker.services import accounts
from matchmaker.urls import external_url

bp = Blueprint("account", __name__, url_prefix="/account")


def _fill_buyer_form(form: BuyerProfileForm, user: User) -> None:
    profile = user.buyer_profile
    form.name.data, form.phone.data, form.locale.data = user.name, user.phone, user.locale
    if profile:
        form.company.data, form.country.data = profile.company, profile.country
        form.buyer_type.data = profile.buyer_type
        form.volume_min_mt.data, form.volume_max_mt.data = profile.volume_min_mt, profile.volume_max_mt
        form.certifications_needed.data = profile.certification_codes
        form.languages.data = profile.language_codes
        form.website.data = profile.website
        form.share_contact_default.data = profile.share_contact_default


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user: User = current_user
    form = BuyerProfileForm() if user.is_buyer else StaffProfileForm()
    if request.method == "GET":
        if user.is_buyer:
            _fill_buyer_form(form, user)
        else:
            form.name.data, form.phone.data, form.locale.data = user.name, user.phone, user.locale
            form.shares_contact_with_buyers.data = user.shares_contact_with_buyers
    if form.validate_on_submit():
        user.name, user.phone, user.locale = form.name.data.strip(), form.phone.data or "", form.locale.data
        if user.is_buyer and user.buyer_profile:
            profile = user.buyer_profile
            profile.company = form.company.data.strip()
            profile.country = form.country.data
            profile.buyer_type = form.buyer_type.data
            profile.volume_min_mt = form.volume_min_mt.data
            profile.volume_max_mt = form.volume_max_mt.data
            profile.certifications_needed = ",".join(form.certifications_needed.data)
            profile.languages = ",".join(form.languages.data)
            profile.website = form.website.data or ""
            profile.share_contact_default = form.share_contact_default.data
        if user.is_rep:
            user.shares_contact_with_buyers = form.shares_contact_with_buyers.data
        session["lang"] = user.locale
        refresh()  # the confirmation below is already in the newly chosen language
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("account.profile"))
    status = 422 if form.is_submitted() else 200
    return render_template("account/profile.html", form=form), status


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.password.data)
        except DomainError as error:
            status = web.refused(error, form, fallback="current_password")
            return render_template("account/password.html", form=form), status
        # Every other device is logged out; this one continues with the new session version.
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
        login_user(user, remember=remembered)
        flash(_("Your password has been changed. Other devices have been logged out."),
              "success")
        return redirect(url_for("account.profile"))
    status = 422 if form.is_submitted() else 200
    return render_template("account/password.html", form=form), status


@bp.post("/sessions/end")
@login_required
def end_sessions():
    """Log out everywhere: every device, every remember cookie, this browser included."""
    web.require_action()
    accounts.end_all_sessions(current_user)
    logout_user()
    flash(_("You have been logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/organisation/members", methods=["GET", "POST"])
@login_required
def members():
    """A rep sees their colleagues and invites new ones."""
    if not current_user.is_approved_rep:
        abort(403)
    organisation = current_user.organisation
    form = InviteForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.invite_member(
                current_user, form.email.data,
                lambda token: external_url("auth.accept_invitation", token=token),
            )
        except DomainError as error:
            status = web.refused(error, form, fallback="email")
        else:
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("account.members"))
    pending = db.session.scalars(
        db.select(Invitation).where(
            Invitation.organisation_id == organisation.id, Invitation.accepted_at.is_(None)
        ).order_by(Invitation.created_at.desc())
    ).all()
    if form.errors and status == 200:
        status = 422
    return render_template(
        "account/members.html", organisation=organisation, form=form, pending=pending
    ), status
