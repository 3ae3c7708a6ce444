"""Sign-up, log-in, profile, password and invitation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from matchmaker.forms.choices import select_choices
from matchmaker.forms.fields import DecimalInput
from matchmaker.input_guard import db_int
from matchmaker.labels import (
    BUYER_TYPES,
    CERTIFICATIONS,
    LANGUAGES,
    SITE_LANGUAGES,
    country_choices,
)
from matchmaker.services.passwords import password_problem


def strip_spaces(value):
    """Phones' keyboards add a trailing space after an address; the Email check refuses it."""
    return value.strip() if isinstance(value, str) else value


class PhoneNumber:
    """A phone number any country writes it; stored as E.164 (national numbers read as the
    form's country, else Peru's)."""

    def __call__(self, form, field) -> None:
        from matchmaker.phones import to_e164

        if not (field.data or "").strip():
            field.data = ""
            return
        country = getattr(form, "country", None)
        region = (country.data if country is not None and country.data else "PE")
        e164 = to_e164(field.data, region)
        if e164 is None:
            raise ValidationError(_l("This is not a valid phone number. Include the country code, "
                                     "e.g. +51 982 000 111."))
        field.data = e164


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (usable on phones, unlike <select multiple>)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StrongPassword:
    """Checks the password against the shared strength rules."""

    def __call__(self, form, field) -> None:
        email = form.email.data if hasattr(form, "email") and form.email.data else ""
        name = form.name.data if hasattr(form, "name") and form.name.data else ""
        problem = password_problem(field.data or "", email=email, name=name)
        if problem:
            raise ValidationError(problem)


def password_fields():
    return (
        PasswordField(
            _l("Password"),
            validators=[DataRequired(), Length(max=128), StrongPassword()],
            description=_l("At least 10 characters."),
        ),
        PasswordField(
            _l("Repeat the password"),
            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        ),
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip_spaces], validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class BuyerProfileFields(FlaskForm):
    """The buyer's company fields, shared by sign-up and profile editing."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone (with country code)"),
                        validators=[Length(max=40), PhoneNumber()])
    company = StringField(_l("Company"), validators=[DataRequired(), Length(max=160)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    buyer_type = SelectField(_l("Type of buyer"), choices=select_choices(BUYER_TYPES), validators=[DataRequired()])
    volume_min_mt = DecimalInput(
        _l("Volume sought per year, from (MT)"), bound="buyer_volume_mt", validators=[Optional()],
    )
    volume_max_mt = DecimalInput(
        _l("up to (MT)"), bound="buyer_volume_mt", validators=[Optional()]
    )
    certifications_needed = MultiCheckboxField(_l("Certifications you need"), choices=select_choices(CERTIFICATIONS))
    languages = MultiCheckboxField(_l("Languages you speak"), choices=select_choices(LANGUAGES))
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=255)])
    locale = SelectField(_l("Language of this site and our e-mails"), choices=select_choices(SITE_LANGUAGES))
    share_contact_default = BooleanField(
        _l("Share my e-mail and phone with the associations I contact"), default=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", "—")] + country_choices()

    def validate_volume_max_mt(self, field) -> None:
        low = self.volume_min_mt.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("The upper volume must not be below the lower one."))


class BuyerSignupForm(BuyerProfileFields):
    email = EmailField(_l("E-mail"), filters=[strip_spaces], validators=[DataRequired(), Email(), Length(max=254)])
    password, confirm = password_fields()
    submit = SubmitField(_l("Create my buyer account"))


class BuyerProfileForm(BuyerProfileFields):
    submit = SubmitField(_l("Save profile"))


class StaffProfileForm(FlaskForm):
    """Profile of an organiser or rep."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone (with country code)"),
                        validators=[Length(max=40), PhoneNumber()])
    locale = SelectField(_l("Language of this site and our e-mails"), choices=select_choices(SITE_LANGUAGES))
    # Reps only (the profile page shows it to them alone).
    shares_contact_with_buyers = BooleanField(
        _l("Show my e-mail, phone and WhatsApp to buyers who share their contact details with "
           "our organisation"))
    submit = SubmitField(_l("Save profile"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password, confirm = password_fields()
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip_spaces], validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password, confirm = password_fields()
    submit = SubmitField(_l("Set new password"))


class InviteForm(FlaskForm):
    email = EmailField(_l("Colleague's e-mail"), filters=[strip_spaces], validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send invitation"))


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password, confirm = password_fields()
    submit = SubmitField(_l("Join"))


class RepSignupForm(FlaskForm):
    """A rep asks to join an existing organisation; an organiser approves."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), filters=[strip_spaces], validators=[DataRequired(), Email(), Length(max=254)])
    organisation_id = SelectField(_l("Your organisation"), coerce=db_int, validators=[DataRequired()])
    password, confirm = password_fields()
    submit = SubmitField(_l("Ask to join"))
