"""Log-in, log-out, sign-up, password reset and invitation acceptance."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from matchmaker import login_throttle, web
from matchmaker.errors import DomainError
from matchmaker.extensions import db, limiter
from matchmaker.forms import ActionForm
from matchmaker.forms.accounts import (
    AcceptInvitationForm,
    BuyerSignupForm,
    ForgotPasswordForm,
    LoginForm,
    RepSignupForm,
    ResetPasswordForm,
)
from matchmaker.models import Organisation
from matchmaker.services import accounts
from matchmaker.templating import safe_next
from matchmaker.urls import external_url

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if request.method == "POST":
        # Even the right password waits while throttled: the answer must not reveal it.
        login_throttle.check(request.form.get("email", ""))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            status = web.refused(error)
            login_throttle.count_failure(form.email.data)
            return render_template("auth/login.html", form=form), status
        login_user(user, remember=form.remember.data)
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        # Reps land on what needs them (requests, today's meetings) unless sent somewhere.
        return redirect(safe_next("desk.today" if user.is_approved_rep else "main.home"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    if ActionForm().validate_on_submit():
        # Ends the account's sessions server-side: a copied session or remember cookie
        # replayed later no longer logs anyone in.
        accounts.end_all_sessions(current_user)
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = BuyerSignupForm()
    if request.method == "GET":
        form.locale.data = str(get_locale())
    if form.validate_on_submit():
        signup_data = accounts.BuyerSignup(
            name=form.name.data, email=form.email.data, password=form.password.data,
            company=form.company.data, country=form.country.data,
            buyer_type=form.buyer_type.data, volume_min_mt=form.volume_min_mt.data,
            volume_max_mt=form.volume_max_mt.data,
            certifications_needed=form.certifications_needed.data,
            languages=form.languages.data, phone=form.phone.data or "",
            website=form.website.data or "", locale=form.locale.data,
            share_contact_default=form.share_contact_default.data,
        )
        try:
            user = accounts.register_buyer(signup_data)
        except DomainError as error:
            status = web.refused(error, form, fallback="email")
            return render_template("auth/signup.html", form=form), status
        login_user(user)
        flash(_("Your buyer account is ready."), "success")
        # Step two: what the buyer buys (skippable), then where they were going.
        return redirect(url_for("matching.demand", welcome=1, next=safe_next()))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/signup.html", form=form), status


@bp.route("/signup/rep", methods=["GET", "POST"])
def signup_rep():
    form = RepSignupForm()
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    form.organisation_id.choices = [(0, "—")] + [(o.id, o.name) for o in organisations]
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        if organisation is None:
            form.organisation_id.errors.append(_("Choose your organisation."))
            return render_template("auth/signup_rep.html", form=form), 422
        try:
            accounts.register_rep(
                email=form.email.data, name=form.name.data, password=form.password.data,
                organisation=organisation, locale=str(get_locale()),
            )
        except DomainError as error:
            status = web.refused(error, form, fallback="email")
            return render_template("auth/signup_rep.html", form=form), status
        flash(_("Thank you. An organiser will approve your account soon."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/signup_rep.html", form=form), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per 10 minutes", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(
            form.email.data,
            lambda token: external_url("auth.reset_password", token=token),
        )
        # The same answer whether or not the address exists, so nobody can probe accounts.
        flash(_("If this address has an account, we have sent it a reset link."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except DomainError as error:
            status = web.refused(error)
            return render_template("auth/reset.html", form=form), status
        flash(_("Your password has been changed. You can log in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = accounts.find_open_invitation(token)
    if invitation is None:
        flash(_("This invitation is invalid or has already been used."), "error")
        return redirect(url_for("main.home"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(
                invitation, name=form.name.data, password=form.password.data,
                locale=str(get_locale()),
            )
        except DomainError as error:
            status = web.refused(error)
            return render_template("auth/invitation.html", form=form, invitation=invitation), status
        login_user(user)
        flash(_("Welcome to %(org)s.", org=invitation.organisation.name), "success")
        return redirect(url_for("main.home"))
    return render_template("auth/invitation.html", form=form, invitation=invitation)
