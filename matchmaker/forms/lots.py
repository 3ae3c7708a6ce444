"""Forms for editing lots: one per page of the editor, grouped into fieldsets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from matchmaker.forms.accounts import MultiCheckboxField
from matchmaker.forms.fields import DecimalInput, IntegerField
from matchmaker.input_guard import db_int
from matchmaker.lotsheet.vocab import (
    BAG_TYPE,
    CERT_SCHEME,
    CERT_STATUS,
    DRY_METHOD,
    EXPORT_DOCS,
    FERMENT_VESSEL,
    GENETICS,
    HS_CODE,
    INCOTERM,
    PRICE_BASIS,
    PRICE_MARKET,
    PRICE_PREMIUM,
    PROCESSING_SITE,
    PRODUCT_FORM,
    PRODUCTION_SYSTEM,
    SENSORY_PROTOCOL,
    Vocabulary,
)
from matchmaker.services.lots.editing import MAX_GENETICS_ROWS


def vocab_choices(vocabulary: Vocabulary, *, blank: bool = False) -> list[SelectChoice]:
    """Select choices with labels translated at render time."""
    choices = [SelectChoice(c.code, _l(c.label)) for c in vocabulary]
    return [SelectChoice("", _l("— choose —")), *choices] if blank else choices


def _non_negative():
    return NumberRange(min=0, message=_l("Enter a number that is not negative."))


class SectionForm(FlaskForm):
    """A form rendered as fieldsets: (legend, [field names])."""

    fieldsets: list[tuple[object, list[str]]] = []


class IdentityForm(SectionForm):
    lot_code = StringField(_l("Lot code"), validators=[DataRequired(), Length(max=40)],
                           description=_l("Suggested form: PE-MDD-INF-26-001 (region, organisation, year, number)."))
    name_es = StringField(_l("Lot name (Spanish)"), validators=[Length(max=160)])
    name_en = StringField(_l("Lot name (English)"), validators=[Length(max=160)])
    product_form = SelectField(_l("Product form"), choices=vocab_choices(PRODUCT_FORM))
    harvest_start = DateField(_l("Harvest start"), validators=[DataRequired()])
    harvest_end = DateField(_l("Harvest end"), validators=[DataRequired()],
                            description=_l("Also the EUDR production period."))
    volume_kg = DecimalInput(_l("Volume available (kg)"), bound="volume_kg",
                             validators=[DataRequired(), _non_negative()])
    bag_count = IntegerField(_l("Number of bags"), bound="bag_count",
                             validators=[Optional(), _non_negative()])
    net_kg_per_bag = DecimalInput(_l("Net weight per bag (kg)"), bound="net_kg_per_bag",
                                  validators=[Optional(), _non_negative()],
                                  description=_l("New jute bags usually hold 60–65 kg."))
    bag_type = SelectField(_l("Bag type"), choices=vocab_choices(BAG_TYPE))
    hs_code = SelectField(_l("HS code"), choices=vocab_choices(HS_CODE), default="1801.00",
                          description=_l("Cocoa headings 1801–1806: beans and nibs 1801.00, "
                                         "liquor 1803.10."))
    warehouse_es = StringField(_l("Warehouse (Spanish)"), validators=[Length(max=160)])
    warehouse_en = StringField(_l("Warehouse (English)"), validators=[Length(max=160)])
    description_es = TextAreaField(_l("Description (Spanish)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])

    fieldsets = [
        (_l("Lot"), ["lot_code", "name_es", "name_en", "product_form", "description_es",
                     "description_en"]),
        (_l("Harvest"), ["harvest_start", "harvest_end"]),
        (_l("Volume and packing"), ["volume_kg", "bag_count", "net_kg_per_bag", "bag_type",
                                    "hs_code", "warehouse_es", "warehouse_en"]),
    ]


class NewLotForm(IdentityForm):
    organisation_id = SelectField(_l("Organisation"), coerce=db_int, validate_choice=True)

    fieldsets = [(_l("Organisation"), ["organisation_id"]), *IdentityForm.fieldsets]


class GeneticsRowForm(Form):
    genetics = SelectField(_l("Genetic material"), choices=vocab_choices(GENETICS, blank=True),
                           default="")
    variety_name = StringField(_l("Variety or clone name"), validators=[Length(max=120)])
    share_pct = DecimalInput(_l("Share (%)"), bound="share_pct", validators=[Optional()])


class OriginForm(SectionForm):
    exporter_of_record = StringField(_l("Exporter of record"), validators=[Length(max=160)],
                                     description=_l("The organisation that exports, e.g. the cooperative."))
    region = StringField(_l("Region"), validators=[Length(max=80)])
    province = StringField(_l("Province"), validators=[Length(max=80)])
    community = StringField(_l("Community"), validators=[Length(max=120)])
    altitude_min = IntegerField(_l("Lowest altitude (m a.s.l.)"), bound="altitude_m",
                                validators=[Optional()])
    altitude_max = IntegerField(_l("Highest altitude (m a.s.l.)"), bound="altitude_m",
                                validators=[Optional()])
    n_producers = IntegerField(_l("Number of producers"), bound="n_producers",
                               validators=[Optional(), _non_negative()])
    area_ha = DecimalInput(_l("Cacao area (ha)"), bound="area_ha",
                           validators=[Optional(), _non_negative()])
    production_system = SelectField(_l("Production system"),
                                    choices=vocab_choices(PRODUCTION_SYSTEM, blank=True))
    fine_flavour_note_es = TextAreaField(_l("Fine-flavour note (Spanish)"), validators=[Length(max=2000)])
    fine_flavour_note_en = TextAreaField(_l("Fine-flavour note (English)"), validators=[Length(max=2000)],
                                         description=_l("ICCO rates Peru 75 % fine or flavour: a country rating, not a claim about this lot."))
    genetics = FieldList(FormField(GeneticsRowForm), min_entries=MAX_GENETICS_ROWS,
                         max_entries=MAX_GENETICS_ROWS)

    fieldsets = [
        (_l("Origin"), ["exporter_of_record", "region", "province", "community",
                        "altitude_min", "altitude_max", "n_producers", "area_ha",
                        "production_system"]),
        (_l("Fine flavour"), ["fine_flavour_note_es", "fine_flavour_note_en"]),
    ]


YES_NO_UNKNOWN = [SelectChoice("", _l("Not stated")), SelectChoice("yes", _l("Yes")),
                  SelectChoice("no", _l("No"))]


class PostHarvestForm(SectionForm):
    processing_site = SelectField(_l("Processing site"), choices=vocab_choices(PROCESSING_SITE, blank=True))
    ferment_vessel = SelectField(_l("Fermentation vessel"), choices=vocab_choices(FERMENT_VESSEL, blank=True))
    ferment_hours = IntegerField(_l("Fermentation time (hours)"), bound="ferment_hours",
                                 validators=[Optional(), _non_negative()])
    turns = IntegerField(_l("Number of turns"), bound="turns", validators=[Optional(), _non_negative()])
    wood_species_es = StringField(_l("Wood of the boxes (Spanish)"), validators=[Length(max=120)])
    wood_species_en = StringField(_l("Wood of the boxes (English)"), validators=[Length(max=120)])
    pre_drying = SelectField(_l("Pulp pre-drying"), choices=YES_NO_UNKNOWN)
    dry_method = SelectField(_l("Drying method"), choices=vocab_choices(DRY_METHOD, blank=True))
    dry_days = IntegerField(_l("Drying time (days)"), bound="dry_days",
                            validators=[Optional(), _non_negative()])

    fieldsets = [
        (_l("Fermentation"), ["processing_site", "ferment_vessel", "ferment_hours", "turns",
                              "wood_species_es", "wood_species_en", "pre_drying"]),
        (_l("Drying"), ["dry_method", "dry_days"]),
    ]


class TermsForm(SectionForm):
    incoterm = SelectField(_l("Incoterm"), choices=vocab_choices(INCOTERM))
    incoterm_place = StringField(_l("Named place"), validators=[Length(max=120)],
                                 description=_l("e.g. Puerto Maldonado, Lima, Callao"))
    price_basis = SelectField(_l("Price basis"), choices=vocab_choices(PRICE_BASIS))
    price_usd_per_mt = DecimalInput(_l("Fixed price (USD per metric tonne)"),
                                    bound="lot_price_usd_mt", validators=[Optional()],
                                    description=_l("For a fixed price only, e.g. 8200."))
    price_market = SelectField(_l("Differential to"), choices=vocab_choices(PRICE_MARKET, blank=True))
    price_market_other_es = StringField(_l("Other reference, named in Spanish"),
                                        validators=[Length(max=80)])
    price_market_other_en = StringField(_l("Other reference, named in English"),
                                        validators=[Length(max=80)])
    ice_contract_month_es = StringField(_l("Futures contract month (Spanish)"),
                                        validators=[Length(max=20)],
                                        description=_l("e.g. marzo 2027."))
    ice_contract_month_en = StringField(_l("Futures contract month (English)"),
                                        validators=[Length(max=20)],
                                        description=_l("e.g. March 2027."))
    price_differential_usd_mt = DecimalInput(
        _l("Differential (± USD per metric tonne)"), bound="price_differential_usd_mt",
        validators=[Optional()],
        description=_l("For a differential only: +650 means 650 USD/MT over the market; a discount is negative."))
    price_premium_kind = SelectField(_l("Premium"), choices=vocab_choices(PRICE_PREMIUM, blank=True))
    price_premium_usd_mt = DecimalInput(
        _l("Premium (USD per metric tonne)"), bound="price_premium_usd_mt", validators=[Optional()],
        description=_l("Paid on top of the price, e.g. the Fairtrade premium of 240."))
    price_valid_until = DateField(_l("Price valid until"), validators=[Optional()])
    moq_kg = DecimalInput(_l("Minimum order (kg)"), bound="moq_kg", validators=[Optional()],
                          description=_l("In whole bags."))
    sample_available = BooleanField(_l("Samples available"), default=True)
    sample_size_g = IntegerField(_l("Sample size (g)"), bound="sample_size_g",
                                 validators=[Optional(), _non_negative()])
    sample_cost_usd = DecimalInput(_l("Sample cost (USD)"), bound="sample_cost_usd",
                                   validators=[Optional(), _non_negative()])
    sample_lead_time_days = IntegerField(_l("Sample lead time (days)"), bound="sample_lead_time_days",
                                         validators=[Optional(), _non_negative()])
    payment_terms_es = StringField(_l("Payment terms (Spanish)"), validators=[Length(max=255)])
    payment_terms_en = StringField(_l("Payment terms (English)"), validators=[Length(max=255)])
    ship_window_es = StringField(_l("Shipping window (Spanish)"), validators=[Length(max=120)])
    ship_window_en = StringField(_l("Shipping window (English)"), validators=[Length(max=120)])
    export_docs = MultiCheckboxField(_l("Export documents provided"), choices=vocab_choices(EXPORT_DOCS))

    fieldsets = [
        (_l("Delivery"), ["incoterm", "incoterm_place"]),
        (_l("Price"), ["price_basis", "price_usd_per_mt", "price_market", "price_market_other_es",
                       "price_market_other_en", "ice_contract_month_es", "ice_contract_month_en",
                       "price_differential_usd_mt", "price_premium_kind",
                       "price_premium_usd_mt", "price_valid_until", "moq_kg"]),
        (_l("Samples"), ["sample_available", "sample_size_g", "sample_cost_usd",
                         "sample_lead_time_days"]),
        (_l("Shipping"), ["payment_terms_es", "payment_terms_en", "ship_window_es",
                          "ship_window_en", "export_docs"]),
    ]


class EudrForm(SectionForm):
    no_deforestation_file = FileField(_l("No-deforestation evidence (PDF)"),
                                      description=_l("Land-use analysis against the 31 Dec 2020 cut-off."))
    no_deforestation_evidence_url = StringField(_l("…or a link to it"),
                                                validators=[Optional(), URL(), Length(max=500)])
    legality_file = FileField(_l("Legality evidence (PDF)"),
                              description=_l("Communal land title, permits."))
    dds_reference = StringField(_l("DDS reference number"), validators=[Length(max=80)],
                                description=_l("Filled in when the EU buyer shares it."))
    dds_verification = StringField(_l("DDS verification number"), validators=[Length(max=80)])

    fieldsets = [
        (_l("Evidence"), ["no_deforestation_file", "no_deforestation_evidence_url",
                          "legality_file"]),
        (_l("Due diligence statement"), ["dds_reference", "dds_verification"]),
    ]


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"))
    caption_es = StringField(_l("Caption (Spanish)"), validators=[Length(max=255)])
    caption_en = StringField(_l("Caption (English)"), validators=[Length(max=255)])


class CaptionForm(FlaskForm):
    caption_es = StringField(_l("Caption (Spanish)"), validators=[Length(max=255)])
    caption_en = StringField(_l("Caption (English)"), validators=[Length(max=255)])


def _count(label):
    return IntegerField(label, default=0, bound="cut_count", validators=[Optional(), _non_negative()])


def _percent(label, bound: str = "percent"):
    return DecimalInput(label, bound=bound, validators=[Optional()])


class AnalysisForm(SectionForm):
    analysis_date = DateField(_l("Analysis date"), validators=[DataRequired()])
    lab = StringField(_l("Laboratory"), validators=[DataRequired(), Length(max=160)])
    sample_kg = DecimalInput(_l("Sample (kg)"), bound="sample_kg", validators=[Optional(), _non_negative()])
    moisture_pct = DecimalInput(_l("Moisture (%)"), bound="percent", validators=[DataRequired()],
                                description=_l("ISO 2451: at most 8.0 at loading in origin."))
    bean_count_per_100g = IntegerField(_l("Beans per 100 g"), bound="bean_count_per_100g",
                                       validators=[DataRequired()])
    cut_test_n = IntegerField(_l("Beans cut"), default=300, bound="cut_test_n",
                              validators=[DataRequired()])
    well_fermented = _count(_l("Well fermented"))
    partly_fermented = _count(_l("Partly fermented (purple-brown)"))
    purple = _count(_l("Purple / violet"))
    slaty = _count(_l("Slaty"))
    mouldy = _count(_l("Mouldy"))
    insect_damaged = _count(_l("Insect-damaged"))
    germinated = _count(_l("Germinated"))
    flat = _count(_l("Flat"))
    foreign_matter_pct = _percent(_l("Foreign matter (% mass)"))
    cocoa_related_matter_pct = _percent(_l("Cocoa-related matter (% mass)"))
    flat_beans_pct = _percent(_l("Flat beans (% mass)"))
    sievings_pct = _percent(_l("Sievings (% mass)"))
    fermentation_index = _percent(_l("Fermentation index (A460/A530)"), "fermentation_index")
    ffa_pct = _percent(_l("Free fatty acids (%)"))
    fat_pct = _percent(_l("Fat (%)"))
    shell_pct = _percent(_l("Shell (%)"))
    cadmium_mg_kg = _percent(_l("Cadmium (mg/kg)"), "cadmium_mg_kg")
    report = FileField(_l("Lab report (PDF)"))
    ota_report = FileField(_l("Ochratoxin A report (PDF)"))
    pah_report = FileField(_l("PAH report (PDF)"))
    pesticides_report = FileField(_l("Pesticide residues report (PDF)"))
    cut_test_photo = FileField(_l("Cut-test photo"))

    fieldsets = [
        (_l("Sample"), ["analysis_date", "lab", "sample_kg", "moisture_pct",
                        "bean_count_per_100g"]),
        (_l("Cut test: each bean counted once, under its worst defect"),
         ["cut_test_n", "well_fermented", "partly_fermented", "purple", "slaty", "mouldy",
          "insect_damaged", "germinated", "flat"]),
        (_l("Laboratory values (optional)"),
         ["foreign_matter_pct", "cocoa_related_matter_pct", "flat_beans_pct", "sievings_pct",
          "fermentation_index", "ffa_pct", "fat_pct", "shell_pct", "cadmium_mg_kg"]),
        (_l("Files"), ["report", "ota_report", "pah_report", "pesticides_report",
                       "cut_test_photo"]),
    ]


class ProtocolForm(FlaskForm):
    class Meta:
        csrf = False

    protocol = SelectField(_l("Protocol"), choices=vocab_choices(SENSORY_PROTOCOL))


class SensoryBaseForm(SectionForm):
    evaluator = StringField(_l("Evaluator or laboratory"), validators=[DataRequired(), Length(max=160)])
    panel_size = IntegerField(_l("Panel size"), bound="panel_size", validators=[Optional(), _non_negative()])
    evaluated_on = DateField(_l("Date"), validators=[DataRequired()])
    roast_profile_es = StringField(_l("Roast profile (Spanish)"), validators=[Length(max=160)])
    roast_profile_en = StringField(_l("Roast profile (English)"), validators=[Length(max=160)])
    global_quality = DecimalInput(_l("Global quality (0–10)"), bound="intensity",
                                  validators=[DataRequired()],
                                  description=_l("The evaluator's own judgement, not an average."))
    flavour_notes_es = TextAreaField(_l("Flavour notes (Spanish)"), validators=[Length(max=2000)])
    flavour_notes_en = TextAreaField(_l("Flavour notes (English)"), validators=[Length(max=2000)])
    awards_es = TextAreaField(_l("Awards (Spanish)"), validators=[Length(max=2000)],
                              description=_l("e.g. Cocoa of Excellence 2025 – entre los 50 mejores"))
    awards_en = TextAreaField(_l("Awards (English)"), validators=[Length(max=2000)],
                              description=_l("e.g. Cocoa of Excellence 2025 – Best 50"))


def sensory_form_class(protocol: str) -> type[SensoryBaseForm]:
    """A form with one 0–10 field per attribute and note that applies to `protocol`."""
    from matchmaker.services.lots.sensory import applicable_attributes

    attributes = {}
    for attribute in applicable_attributes(protocol):
        for code, label in ((attribute.code, attribute.label),
                            *((c.code, c.label) for c in attribute.children)):
            attributes[f"score_{code}"] = DecimalInput(
                _l(label), validators=[Optional(), NumberRange(
                    min=0, max=10, message=_l("Intensities go from 0 (absent) to 10 (maximum)."))])
    return type("SensoryForm", (SensoryBaseForm,), attributes)


class CertificateForm(SectionForm):
    scheme = SelectField(_l("Scheme"), choices=vocab_choices(CERT_SCHEME))
    scheme_other = StringField(_l("Other scheme name"), validators=[Length(max=120)])
    holder = StringField(_l("Certificate holder"), validators=[DataRequired(), Length(max=160)],
                         description=_l("The legal entity named on the certificate, e.g. the cooperative for a group certificate."))
    certificate_no = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=80)],
                                 description=_l("For Fairtrade, the FLO ID."))
    certifier_name = StringField(_l("Certification body"), validators=[DataRequired(), Length(max=160)])
    certifier_code = StringField(_l("Control body code"), validators=[Length(max=40)],
                                 description=_l("EU organic: the code in the form PE-BIO-149."))
    status = SelectField(_l("Status"), choices=vocab_choices(CERT_STATUS))
    valid_from = DateField(_l("Valid from"), validators=[DataRequired()])
    valid_to = DateField(_l("Valid until"), validators=[DataRequired()])
    file = FileField(_l("Certificate (PDF)"))
    verify_url = StringField(_l("Verification link"), validators=[Optional(), URL(), Length(max=500)],
                             description=_l("e.g. the USDA Organic INTEGRITY Database entry."))

    fieldsets = [
        (_l("Certificate"), ["scheme", "scheme_other", "holder", "certificate_no",
                             "certifier_name", "certifier_code", "status", "valid_from",
                             "valid_to"]),
        (_l("Proof"), ["file", "verify_url"]),
    ]


class PlotCoordinatesForm(SectionForm):
    plot_ref = StringField(_l("Plot identifier"), validators=[DataRequired(), Length(max=60)])
    producer_name = StringField(_l("Producer"), validators=[DataRequired(), Length(max=160)])
    production_place = StringField(_l("Place"), validators=[Length(max=160)])
    area_ha = DecimalInput(_l("Area (ha)"), bound="plot_area_ha", validators=[Optional()],
                           description=_l("Required for a point; measured from the corners of a polygon if left empty."))
    coordinates = TextAreaField(
        _l("GPS coordinates: latitude, longitude — one line for a point, one line per corner for a polygon"),
        validators=[DataRequired()], description=_l("e.g. -12.587456, -69.185123 (at least 6 decimals)."))


class PlotGeoJsonForm(SectionForm):
    file = FileField(_l("GeoJSON file"))
    geojson = TextAreaField(_l("…or paste the GeoJSON text"), validators=[Length(max=2_000_000)])
    producer_name = StringField(_l("Producer (when the file does not name one)"), validators=[Length(max=160)])
    production_place = StringField(_l("Place (when the file does not name one)"), validators=[Length(max=160)])


class DuplicateForm(FlaskForm):
    lot_code = StringField(_l("Code of the new lot"), validators=[DataRequired(), Length(max=40)])
