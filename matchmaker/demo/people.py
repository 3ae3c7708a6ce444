"""Demo organisations, people and the fair itself."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from matchmaker.models import Role
from matchmaker.services import accounts
from matchmaker.services import events as event_service
from matchmaker.services.organisations import save_organisation

DEMO_PASSWORD = "cacao-demo-2026"  # noqa: S105 - documented demo password, demo data only

ORGANISATIONS = [
    {
        "key": "agrobosque", "name": "Cooperativa Agrobosque", "kind": "cooperative",
        "ruc": "20490000011", "region": "Madre de Dios", "province": "Tambopata",
        "community": "Puerto Maldonado",
        "description_es": "Cooperativa que acopia, certifica como orgánico y exporta el cacao "
        "de asociaciones y comunidades nativas de Madre de Dios, con apoyo en poscosecha.",
        "description_en": "Cooperative that collects, certifies organic and exports cacao from "
        "associations and native communities of Madre de Dios, with post-harvest support.",
        "contact_email": "ventas@agrobosque.demo", "contact_phone": "+51 82 570000",
    },
    {
        "key": "infierno", "name": "Asociación Agroforestal de la Comunidad Nativa Infierno",
        "kind": "association", "ruc": "20490000022", "region": "Madre de Dios",
        "province": "Tambopata", "community": "Comunidad Nativa Infierno",
        "description_es": "21 ha de cacao en sistemas agroforestales en el territorio Ese Eja "
        "de Infierno, con planta de proceso para 19 000 kg de baba de cacao al mes. Vendemos "
        "a través de la Cooperativa Agrobosque.",
        "description_en": "21 ha of agroforestry cacao on the Ese Eja territory of Infierno, "
        "with a processing plant for 19,000 kg of wet cacao a month. We sell through the "
        "Agrobosque Cooperative.",
        "contact_email": "cacao@infierno.demo", "contact_phone": "+51 982 000 111",
        "cooperative": "agrobosque",
    },
    {
        "key": "tahuamanu", "name": "Asociación de Productores Cacaoteros de Tahuamanu",
        "kind": "association", "ruc": "20490000033", "region": "Madre de Dios",
        "province": "Tahuamanu", "community": "Iberia",
        "description_es": "Familias castañeras que diversifican con cacao nativo bajo sombra.",
        "description_en": "Brazil-nut families diversifying with native shade-grown cacao.",
        "contact_email": "info@tahuamanu.demo", "cooperative": "agrobosque",
    },
    # Three more Agrobosque associations with organic lots, so that a 20 t organic container
    # can be pooled in the demo (see demo/offers.py).
    {
        "key": "las_piedras", "name": "Asociación de Productores Agroforestales Las Piedras",
        "kind": "association", "ruc": "20490000066", "region": "Madre de Dios",
        "province": "Tambopata", "community": "Planchón",
        "description_es": "Productores de cacao orgánico en chacras agroforestales a orillas "
        "del río Las Piedras.",
        "description_en": "Organic cacao growers with agroforestry plots along the Las Piedras "
        "river.",
        "contact_email": "info@laspiedras.demo", "cooperative": "agrobosque",
    },
    {
        "key": "valencia", "name": "Asociación Cacaotera Lago Valencia", "kind": "association",
        "ruc": "20490000077", "region": "Madre de Dios", "province": "Tambopata",
        "community": "Lago Valencia",
        "description_es": "Familias ribereñas que fermentan en cajones comunales.",
        "description_en": "Riverside families fermenting in shared boxes.",
        "contact_email": "info@lagovalencia.demo", "cooperative": "agrobosque",
    },
    {
        "key": "inambari", "name": "Asociación de Productores de Cacao Nativo Inambari",
        "kind": "association", "ruc": "20490000088", "region": "Madre de Dios",
        "province": "Tambopata", "community": "Mazuko",
        "description_es": "Cacao nativo chuncho de la cuenca del Inambari, vendido con "
        "diferencial sobre la bolsa de Nueva York.",
        "description_en": "Native chuncho cacao from the Inambari basin, sold at a differential "
        "to New York.",
        "contact_email": "info@inambari.demo", "cooperative": "agrobosque",
    },
    {
        "key": "huallaga", "name": "Asociación Agroecológica Bajo Huallaga", "kind": "association",
        "ruc": "20490000044", "region": "San Martín", "province": "Picota",
        "community": "Bellavista",
        "description_es": "Productores de cacao fino de aroma con fermentación centralizada.",
        "description_en": "Fine-flavour cacao growers with central fermentation.",
        "contact_email": "info@bajohuallaga.demo",
    },
    {
        "key": "amazonas", "name": "Asociación de Productores de Cacao Nativo de Amazonas",
        "kind": "association", "ruc": "20490000055", "region": "Amazonas", "province": "Bagua",
        "community": "Imaza",
        "description_es": "Comunidades awajún que conservan cacao nativo amazónico.",
        "description_en": "Awajún communities conserving native Amazonian cacao.",
        "contact_email": "info@cacaoamazonas.demo",
    },
]

REPS = [
    ("infierno", "rosa.mishaja@infierno.demo", "Rosa Mishaja"),
    ("infierno", "julio.huajohuajo@infierno.demo", "Julio Huajohuajo"),
    ("agrobosque", "carmen.quispe@agrobosque.demo", "Carmen Quispe"),
    ("tahuamanu", "luis.vargas@tahuamanu.demo", "Luis Vargas"),
    ("las_piedras", "marco.huaman@laspiedras.demo", "Marco Huamán"),
    ("valencia", "teresa.yine@lagovalencia.demo", "Teresa Yine"),
    ("inambari", "hugo.condori@inambari.demo", "Hugo Condori"),
    ("huallaga", "ana.tuanama@bajohuallaga.demo", "Ana Tuanama"),
    ("amazonas", "elias.shimpukat@cacaoamazonas.demo", "Elías Shimpukat"),
]

BUYERS = [
    ("anna.becker@schokolade.demo", "Anna Becker", "Edelkakao Manufaktur", "DE", "chocolate_maker", "en", ["eu_organic"]),
    ("pieter.dejong@cocoatrade.demo", "Pieter de Jong", "Amsterdam Cocoa Traders", "NL", "trader", "en", ["eu_organic", "fairtrade"]),
    ("sophie.martin@chocolat.demo", "Sophie Martin", "Chocolaterie du Marais", "FR", "chocolate_maker", "en", []),
    ("marco.rossi@cioccolato.demo", "Marco Rossi", "Cioccolato Rossi", "IT", "chocolate_maker", "en", ["eu_organic"]),
    ("lukas.meier@kakao.demo", "Lukas Meier", "Alpen Kakao AG", "CH", "importer", "en", ["eu_organic"]),
    ("emily.clark@beantobar.demo", "Emily Clark", "Bean & Bar Co.", "US", "chocolate_maker", "en", ["usda_nop"]),
    ("james.wilson@roasters.demo", "James Wilson", "Wilson Cocoa Roasters", "GB", "roaster", "en", []),
    ("claire.tremblay@cacao.demo", "Claire Tremblay", "Cacao Nord", "CA", "importer", "en", ["usda_nop", "fairtrade"]),
    ("yuki.tanaka@cacao.demo", "Yuki Tanaka", "Tanaka Chocolate", "JP", "chocolate_maker", "en", ["jas"]),
    ("lucia.garcia@chocolates.demo", "Lucía García", "Chocolates Garcia", "ES", "chocolate_maker", "es", ["eu_organic"]),
    ("diego.ramirez@cacaolima.demo", "Diego Ramírez", "Cacao Lima SAC", "PE", "chocolate_maker", "es", []),
    ("jan.peeters@cocoa.demo", "Jan Peeters", "Peeters Cocoa Import", "BE", "importer", "en", ["eu_organic", "rainforest_alliance"]),
]

BOOTHS = {"infierno": "A-01", "agrobosque": "A-02", "tahuamanu": "A-03", "huallaga": "B-01", "amazonas": "B-02"}


def seed_people(made: dict) -> None:
    """Organisations, an organiser, reps, buyers and a running ExpoAmazónica."""
    organisations = {}
    for spec in ORGANISATIONS:
        fields = {k: v for k, v in spec.items() if k not in ("key", "cooperative")}
        fields.setdefault("contact_phone", "")
        fields.setdefault("website", "")
        if spec.get("cooperative"):
            fields["cooperative_id"] = organisations[spec["cooperative"]].id
        organisations[spec["key"]] = save_organisation(None, **fields)
    made["organisations"] = organisations

    made["organiser"] = accounts.create_user(
        email="organiser@expoamazonica.demo", name="Patricia Flores", password=DEMO_PASSWORD,
        role=Role.ORGANISER,
    )
    made["reps"] = [
        accounts.create_user(email=email, name=name, password=DEMO_PASSWORD, role=Role.REP,
                             organisation=organisations[key])
        for key, email, name in REPS
    ]
    made["pending_rep"] = accounts.register_rep(
        email="nuevo.socio@infierno.demo", name="Mario Shanocua", password=DEMO_PASSWORD,
        organisation=organisations["infierno"], locale="es",
    )
    buyers = []
    for email, name, company, country, buyer_type, locale, certs in BUYERS:
        buyers.append(accounts.register_buyer(accounts.BuyerSignup(
            name=name, email=email, password=DEMO_PASSWORD, company=company, country=country,
            buyer_type=buyer_type, volume_min_mt=1, volume_max_mt=25,
            certifications_needed=certs, languages=["en", "es"] if locale == "es" else ["en"],
            locale=locale,
        )))
    made["buyers"] = buyers

    # The demo fair is always running "now", so the day-of features can be tried at once.
    today = date.today()
    event = event_service.save_event(
        None, name="ExpoAmazónica 2026", city="Puerto Maldonado",
        venue="Centro de Convenciones de Madre de Dios", starts_on=today,
        ends_on=today + timedelta(days=2), timezone="America/Lima",
        description_es="La feria anual de las regiones amazónicas del Perú, con ruedas de "
        "negocios internacionales y nacionales para cacao, castaña y café.",
        description_en="The yearly fair of Peru's Amazon regions, with international and "
        "national business roundtables for cacao, Brazil nuts and coffee.",
        is_published=True,
        # Demo figures, entered as an organiser would from the day's market close.
        ice_ny_usd_mt=Decimal(8450), ice_ny_on=today - timedelta(days=1),
        ice_london_gbp_t=Decimal(6120), ice_london_on=today - timedelta(days=1),
        usd_per_gbp=Decimal("1.2650"), usd_per_gbp_on=today - timedelta(days=1),
        pen_per_usd=Decimal("3.7450"), pen_per_usd_on=today - timedelta(days=1),
    )
    made["event"] = event
    made["exhibitors"] = {
        key: event_service.register_exhibitor(event, organisations[key], booth)
        for key, booth in BOOTHS.items()
    }
