"""Judge one supply against one demand: hard requirements exclude, soft ones add or cost points.

Each criterion is a small function returning findings; `match` adds them up. The order of
the findings is the order a trader reads a sheet in: what rules a lot out, then volume,
quality, flavour, genetics, terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, localcontext

from matchmaker.lotsheet.quality import grade_rank
from matchmaker.lotsheet.vocab import ISO_GRADE, N_
from matchmaker.matching.model import (
    EXCLUDE,
    MISS,
    NOTE,
    REASON,
    SIGNAL,
    Demand,
    Finding,
    Label,
    Match,
    Month,
    Supply,
)
from matchmaker.matching.vocab import (
    flavour_label,
    genetics_label,
    product_form_label,
    scheme_label,
)
from matchmaker.matching.weights import (
    FLAVOUR_MISS_BELOW,
    FLAVOUR_REASON_AT,
    MISS_FACTOR,
    OFF_FLAVOUR_LIMIT,
    SIGNALS,
    WEIGHTS,
)

SIGNAL_MESSAGES = {
    "interested": N_("You marked it \"I'm interested\""),
    "sample_request": N_("You asked for a sample"),
    "scan": N_("You met at their booth (badge scanned)"),
    "meeting": N_("You have a meeting with this organisation"),
}
# The same signals as a rep reads them about a buyer.
REP_SIGNAL_MESSAGES = {
    "interested": N_("%(buyer)s marked it \"I'm interested\""),
    "sample_request": N_("%(buyer)s asked for a sample"),
    "scan": N_("%(buyer)s met you at your booth (badge scanned)"),
    "meeting": N_("%(buyer)s has a meeting with your organisation"),
}


def tonnes(kg: Decimal) -> Decimal:
    """Kilograms as metric tonnes, one decimal (2400 → 2.4)."""
    amount = Decimal(kg)
    with localcontext() as context:  # wide enough for any stored volume (1e30 needs 30 digits)
        context.prec = max(28, amount.adjusted() + 4)
        return (amount / 1000).quantize(Decimal("0.1"))


# `rep` is the message worded for a rep (the buyer as %(buyer)s), where "you" would mislead.

def _miss(criterion: str, message: str, factor_key: str | None = None, *, rep: str = "",
          **params) -> Finding:
    weight = WEIGHTS.get(criterion, 0.0) * MISS_FACTOR.get(factor_key or criterion, 1.0)
    return Finding(criterion, MISS, message, params, -weight, rep)


def _reason(criterion: str, message: str, fraction: float = 1.0, *, rep: str = "",
            **params) -> Finding:
    return Finding(criterion, REASON, message, params, WEIGHTS.get(criterion, 0.0) * fraction,
                   rep)


def _exclude(criterion: str, message: str, *, rep: str = "", **params) -> Finding:
    return Finding(criterion, EXCLUDE, message, params, 0.0, rep)


def _labels(codes: Iterable[str], label) -> Label:
    return Label(tuple(label(c) for c in sorted(codes)))


def product_form(demand: Demand, supply: Supply) -> list[Finding]:
    if not demand.product_forms:
        return []
    form = Label.of(product_form_label(supply.product_form))
    if supply.product_form in demand.product_forms:
        return [_reason("product_form", N_("%(form)s, a form you buy"),
                        rep=N_("%(form)s, a form %(buyer)s buys"), form=form)]
    return [_exclude("product_form", N_("%(form)s; you buy %(wanted)s"),
                     rep=N_("%(form)s; %(buyer)s buys %(wanted)s"), form=form,
                     wanted=_labels(demand.product_forms, product_form_label))]


def certification(demand: Demand, supply: Supply) -> list[Finding]:
    findings = []
    for scheme in sorted(demand.certifications):
        held = [c for c in supply.certificates if c.scheme == scheme]
        label = Label.of(scheme_label(scheme))
        if not held:
            findings.append(_exclude("certification", N_("No valid %(scheme)s certificate"),
                                     scheme=label))
            continue
        valid_to = max(c.valid_to for c in held)
        findings.append(_reason("certification", N_("%(scheme)s valid until %(month)s"),
                                scheme=label, month=Month(valid_to)))
        if demand.delivery_to and valid_to < demand.delivery_to:
            findings.append(_miss("certification",
                                  N_("%(scheme)s expires on %(day)s, before your delivery "
                                     "window ends"), "certificate_expires",
                                  rep=N_("%(scheme)s expires on %(day)s, before the delivery "
                                         "window %(buyer)s asks for ends"),
                                  scheme=label, day=valid_to))
    return findings


def eudr(demand: Demand, supply: Supply) -> list[Finding]:
    if not demand.eudr_required:
        return []
    if supply.eudr_ready:
        return [_reason("eudr", N_("EUDR geolocation and evidence complete"))]
    return [_exclude("eudr", N_("EUDR geolocation or evidence incomplete"))]


def volume(demand: Demand, supply: Supply) -> list[Finding]:
    findings = []
    have = tonnes(supply.available_kg)
    if demand.volume_year_max_mt is not None and supply.moq_kg \
            and supply.moq_kg > Decimal(demand.volume_year_max_mt) * 1000:
        findings.append(_exclude("volume", N_("Minimum order %(moq)s t, more than the %(max)s t "
                                              "you buy a year"),
                                 rep=N_("Minimum order %(moq)s t, more than the %(max)s t "
                                        "%(buyer)s buys a year"),
                                 moq=tonnes(supply.moq_kg), max=Decimal(demand.volume_year_max_mt)))
    if demand.shipment_min_mt is None:
        return findings
    want = Decimal(demand.shipment_min_mt)
    if supply.available_kg >= want * 1000:
        findings.append(_reason("volume", N_("Volume %(have)s t, you want ≥ %(want)s t"),
                                rep=N_("Volume %(have)s t, %(buyer)s wants ≥ %(want)s t"),
                                have=have, want=want))
        return findings
    reaching = [o for o in supply.offers if o.available_kg >= want * 1000]
    if reaching:
        offer = min(reaching, key=lambda o: (o.available_kg, o.code))
        findings.append(_miss("volume", N_("Volume %(have)s t, you want ≥ %(want)s t: see the "
                                           "%(offer)s consolidated offer"),
                              rep=N_("Volume %(have)s t, %(buyer)s wants ≥ %(want)s t: offer "
                                     "it through the %(offer)s consolidated offer"),
                              have=have, want=want, offer=offer.name, offer_code=offer.code))
    else:
        findings.append(_exclude("volume", N_("Volume %(have)s t, you want ≥ %(want)s t, and no "
                                              "consolidated offer reaches it"),
                                 rep=N_("Volume %(have)s t, %(buyer)s wants ≥ %(want)s t, and "
                                        "no consolidated offer reaches it"),
                                 have=have, want=want))
    return findings


# ISO 2451 grades and the cut test are for beans; nibs, liquor, butter and powder have other specs.
BEAN_FORMS = frozenset({"dry_fermented", "wet", "mixed"})


def quality(demand: Demand, supply: Supply) -> list[Finding]:
    findings: list[Finding] = []
    if supply.product_form not in BEAN_FORMS:
        return findings
    wants_analysis = demand.min_iso_grade or demand.min_fermented_pct is not None \
        or demand.max_moisture_pct is not None
    if supply.iso_grade is None:
        if wants_analysis:
            findings.append(_miss("grade", N_("No cut test or moisture analysis yet"),
                                  "no_analysis"))
        return findings
    if demand.min_iso_grade:
        grade = Label.of(ISO_GRADE.label(supply.iso_grade))
        minimum = Label.of(ISO_GRADE.label(demand.min_iso_grade))
        wording = dict(rep=N_("ISO 2451 %(grade)s, %(buyer)s wants %(minimum)s or better"),
                       grade=grade, minimum=minimum)
        if grade_rank(supply.iso_grade) <= grade_rank(demand.min_iso_grade):
            findings.append(_reason("grade", N_("ISO 2451 %(grade)s, you want %(minimum)s or "
                                                "better"), **wording))
        else:
            findings.append(_miss("grade", N_("ISO 2451 %(grade)s, you want %(minimum)s or "
                                              "better"), **wording))
    if demand.min_fermented_pct is not None and supply.fermented_pct is not None:
        pct, minimum = Decimal(supply.fermented_pct).quantize(Decimal(1)), \
            Decimal(demand.min_fermented_pct).quantize(Decimal(1))
        wording = dict(rep=N_("Fermented %(pct)s %%, %(buyer)s wants ≥ %(minimum)s %%"),
                       pct=pct, minimum=minimum)
        if supply.fermented_pct >= demand.min_fermented_pct:
            findings.append(_reason("fermentation", N_("Fermented %(pct)s %%, you want ≥ "
                                                       "%(minimum)s %%"), **wording))
        else:
            findings.append(_miss("fermentation", N_("Fermented %(pct)s %%, you want ≥ "
                                                     "%(minimum)s %%"), **wording))
    if demand.max_moisture_pct is not None and supply.moisture_pct is not None:
        pct, maximum = Decimal(supply.moisture_pct), Decimal(demand.max_moisture_pct)
        wording = dict(rep=N_("Moisture %(pct)s %%, %(buyer)s accepts ≤ %(maximum)s %%"),
                       pct=pct, maximum=maximum)
        if supply.moisture_pct <= demand.max_moisture_pct:
            findings.append(_reason("moisture", N_("Moisture %(pct)s %%, you accept ≤ "
                                                   "%(maximum)s %%"), **wording))
        else:
            findings.append(_miss("moisture", N_("Moisture %(pct)s %%, you accept ≤ "
                                                 "%(maximum)s %%"), **wording))
    return findings


def global_quality(demand: Demand, supply: Supply) -> list[Finding]:
    if supply.global_quality is None:
        return []
    score = float(supply.global_quality) / 10
    if supply.global_quality >= 7:
        return [_reason("global_quality", N_("Global quality %(q)s/10 (sensory panel)"), score,
                        q=Decimal(supply.global_quality))]
    return [Finding("global_quality", NOTE, N_("Global quality %(q)s/10 (sensory panel)"),
                    {"q": Decimal(supply.global_quality)},
                    WEIGHTS["global_quality"] * score)]


def flavour(demand: Demand, supply: Supply) -> list[Finding]:
    findings = []
    off = supply.flavour.get("off_flavours")
    if off is not None and off >= OFF_FLAVOUR_LIMIT:
        findings.append(Finding("off_flavours", MISS, N_("Off-flavours %(v)s/10"),
                                {"v": Decimal(off)}, -WEIGHTS["off_flavours"]))
    if not demand.flavours:
        return findings
    if not supply.flavour:
        return [*findings, _miss("flavour", N_("No sensory evaluation yet"), "no_sensory")]
    per_attribute = WEIGHTS["flavour"] / len(demand.flavours)
    for code in sorted(demand.flavours):
        value = supply.flavour.get(code)
        intensity = Decimal(value) if value is not None else Decimal(0)
        label = Label.of(flavour_label(code))
        points = per_attribute * float(intensity) / 10
        if intensity >= FLAVOUR_REASON_AT:
            findings.append(Finding("flavour", REASON, N_("%(attribute)s %(v)s/10"),
                                    {"attribute": label, "v": intensity}, points))
        elif intensity < FLAVOUR_MISS_BELOW:
            findings.append(Finding("flavour", MISS, N_("%(attribute)s only %(v)s/10"),
                                    {"attribute": label, "v": intensity},
                                    points - per_attribute * MISS_FACTOR["flavour"]))
        else:
            findings.append(Finding("flavour", NOTE, N_("%(attribute)s %(v)s/10"),
                                    {"attribute": label, "v": intensity}, points))
    return findings


def genetics(demand: Demand, supply: Supply) -> list[Finding]:
    if not demand.genetics:
        return []
    wanted = {code: share for code, share in supply.genetics.items() if code in demand.genetics}
    if not wanted:
        return [_miss("genetics", N_("None of the genetics you look for (%(wanted)s)"),
                      rep=N_("None of the genetics %(buyer)s looks for (%(wanted)s)"),
                      wanted=_labels(demand.genetics, genetics_label))]
    findings = []
    for code, share in sorted(wanted.items(), key=lambda item: (-item[1], item[0])):
        findings.append(_reason("genetics", N_("%(genetics)s %(share)s %%"),
                                float(share) / 100, genetics=Label.of(genetics_label(code)),
                                share=Decimal(share).quantize(Decimal(1))))
    return findings


def terms(demand: Demand, supply: Supply) -> list[Finding]:
    findings = []
    place = f" {supply.incoterm_place}" if supply.incoterm_place else ""
    if demand.incoterms and supply.incoterm:
        where = f"{supply.incoterm}{place}"
        if supply.incoterm in demand.incoterms:
            findings.append(_reason("incoterm", N_("%(incoterm)s, as you buy"),
                                    rep=N_("%(incoterm)s, as %(buyer)s buys"), incoterm=where))
        else:
            findings.append(_miss("incoterm", N_("%(incoterm)s; you buy %(wanted)s"),
                                  rep=N_("%(incoterm)s; %(buyer)s buys %(wanted)s"),
                                  incoterm=where, wanted=", ".join(sorted(demand.incoterms))))
    ceiling = demand.price_ceiling_usd_per_mt
    if ceiling is not None:
        findings.extend(_price(supply, Decimal(ceiling)))
    if demand.delivery_to and supply.harvest_end:
        if supply.harvest_end > demand.delivery_to:
            findings.append(_miss("delivery", N_("Harvest ends on %(day)s, after your delivery "
                                                 "window"),
                                  rep=N_("Harvest ends on %(day)s, after the delivery window "
                                         "%(buyer)s asks for"), day=supply.harvest_end))
        else:
            findings.append(_reason("delivery", N_("Harvested by %(day)s, in time for your "
                                                   "delivery window"),
                                    rep=N_("Harvested by %(day)s, in time for the delivery "
                                           "window %(buyer)s asks for"), day=supply.harvest_end))
    return findings


def _price(supply: Supply, ceiling: Decimal) -> list[Finding]:
    # `price_basis` as the caller resolved it: "fixed" (a firm price), "indicative" (a
    # differential plus the fair's market reference), "differential" (no reference to add).
    price = supply.price_usd_per_mt
    if supply.price_basis == "differential":
        return [Finding("price", NOTE, N_("Priced as a differential to the market: ask for a "
                                          "firm price to compare with your ceiling of "
                                          "%(ceiling)s USD/MT"), {"ceiling": ceiling}, 0.0,
                        N_("Priced as a differential to the market: give a firm price, "
                           "%(buyer)s pays at most %(ceiling)s USD/MT"))]
    if price is None:
        return [_miss("price", N_("No price given"), "no_price")]
    if supply.price_basis == "indicative":
        if price <= ceiling:
            return [_reason("price", N_("About %(price)s USD/MT (differential plus today's "
                                        "market), within your ceiling of %(ceiling)s"),
                            rep=N_("About %(price)s USD/MT (differential plus today's market); "
                                   "%(buyer)s pays up to %(ceiling)s"),
                            price=price, ceiling=ceiling)]
        return [_miss("price", N_("About %(price)s USD/MT (differential plus today's market), "
                                  "above your ceiling of %(ceiling)s"),
                      rep=N_("About %(price)s USD/MT (differential plus today's market); "
                             "%(buyer)s pays at most %(ceiling)s"),
                      price=price, ceiling=ceiling)]
    if price <= ceiling:
        return [_reason("price", N_("%(price)s USD/MT, within your ceiling of %(ceiling)s"),
                        rep=N_("%(price)s USD/MT; %(buyer)s pays up to %(ceiling)s"),
                        price=price, ceiling=ceiling)]
    return [_miss("price", N_("%(price)s USD/MT, above your ceiling of %(ceiling)s"),
                  rep=N_("%(price)s USD/MT; %(buyer)s pays at most %(ceiling)s"),
                  price=price, ceiling=ceiling)]


CRITERIA = (product_form, certification, eudr, volume, quality, flavour, global_quality,
            genetics, terms)


def signals(kinds: Iterable[str]) -> list[Finding]:
    """Behaviour findings (each kind once), labelled as signals."""
    return [Finding("signal", SIGNAL, SIGNAL_MESSAGES[kind], {}, SIGNALS[kind],
                    REP_SIGNAL_MESSAGES[kind])
            for kind in sorted(set(kinds)) if kind in SIGNALS]


def match(demand: Demand, supply: Supply, *, behaviour: Iterable[str] = ()) -> Match:
    """Score `supply` for `demand`; `behaviour` are signal kinds seen between the two.

    Certificate validity is already resolved by the caller (`supply.certificates` holds only
    those valid on the day).
    """
    findings: list[Finding] = []
    for criterion in CRITERIA:
        findings.extend(criterion(demand, supply))
    findings.extend(signals(behaviour))
    score = round(sum(f.points for f in findings), 3)
    return Match(supply, score, tuple(findings))
