"""Dashboard figures against a seeded fair with known answers, on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.services.dashboard import chart_tables, event_figures, headline, render_chart


def test_event_figures_have_the_known_answers(fair, request_context):
    figures = event_figures(fair.event)

    assert figures.exhibitors == 2
    assert figures.buyers_registered == 4  # the JP buyer counts through the badge alone
    assert figures.buyers_checked_in == 3
    assert figures.scans_total == 6
    assert figures.scans_by_hour == [
        ("2026-09-10 10", 1, 2), ("2026-09-10 11", 2, 0), ("2026-09-10 12", 0, 0),
        ("2026-09-10 13", 1, 0),
    ]
    assert figures.scans_by_lot == [(fair.lot_a.lot_code, 3), (fair.lot_b.lot_code, 1)]
    assert figures.scans_by_booth == [(f"A-1 · {fair.infierno.name}", 2)]
    assert figures.leads_total == 3
    assert figures.leads_by_rating == {"hot": 1, None: 2}
    assert figures.leads_by_source == {"lot_scan": 1, "sample_request": 1, "interest": 1,
                                       "booth_scan": 1}
    assert (figures.meetings_requested, figures.meetings_accepted, figures.meetings_held,
            figures.meetings_no_show) == (5, 4, 2, 1)
    assert figures.buyer_countries == [("DE", 2), ("JP", 1), ("US", 1)]
    assert figures.buyer_types == {"chocolate_maker": 2, "importer": 2}
    assert figures.samples_requested == 2
    assert figures.deals_reported == 2
    assert figures.deal_values == {"25k_100k": 1, "lt_5k": 1}
    assert figures.deal_volumes == {"5_20": 1}
    assert [(code, n) for code, _name, n in figures.lot_interest] == [
        (fair.lot_a.lot_code, 2), (fair.lot_b.lot_code, 1)]


def test_organisation_scope_counts_only_its_own(fair, request_context):
    mine = event_figures(fair.event, fair.infierno)
    assert mine.buyers_registered == 3
    assert mine.scans_total == 6
    assert mine.leads_total == 2
    assert (mine.meetings_requested, mine.meetings_accepted, mine.meetings_held,
            mine.meetings_no_show) == (4, 3, 1, 1)
    assert mine.deal_values == {"25k_100k": 1}
    assert mine.samples_requested == 2

    theirs = event_figures(fair.event, fair.other)
    assert theirs.buyers_registered == 2
    assert theirs.scans_total == 0 and theirs.scans_by_lot == [] and theirs.scans_by_booth == []
    assert theirs.leads_total == 1
    assert theirs.meeting_status == {"held": 1}
    assert theirs.deal_values == {"lt_5k": 1}
    assert theirs.samples_requested == 0
    assert theirs.lot_interest == []
    assert "Exhibitors" not in dict(headline(theirs))


def test_fixed_number_of_queries(fair, request_context):
    statements: list[str] = []

    def count(*args, **kwargs):
        statements.append(args[2] if len(args) > 2 else "")

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        event_figures(fair.event)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    first = len(statements)
    assert first <= 16, statements
    # More data does not mean more queries.
    from tests.factories import make_lot

    for index in range(5):
        make_lot(fair.infierno, lot_code=f"EXTRA-{fair.event.id}-{index}")
    statements.clear()
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        event_figures(fair.event)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == first


def test_every_chart_table_renders_valid_svg(fair, request_context):
    import xml.etree.ElementTree as ET

    from flask_babel import force_locale

    with force_locale("en"):
        tables = chart_tables(event_figures(fair.event))
    assert tables["meetings"].rows == [["Requested", 5], ["Accepted", 4], ["Held", 2],
                                       ["No-show", 1]]
    for table in tables.values():
        root = ET.fromstring(render_chart(table))  # noqa: S314 - our own output
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text == table.title
    svg = ET.fromstring(render_chart(tables["meetings"]))  # noqa: S314 - our own output
    bars = svg.iter("{http://www.w3.org/2000/svg}rect")
    assert [b.get("data-value") for b in bars if b.get("class") == "bar"] == ["5", "4", "2", "1"]


def test_scheduler_meetings_and_walk_ins_are_not_requests(fair, request_context):
    from matchmaker.models import Meeting

    slots = fair.meetings[0].slot.session.slots
    for index, (buyer, org, source) in enumerate([
            (fair.buyers[2], fair.infierno, "roundtable"), (fair.buyers[3], fair.infierno, "roundtable"),
            (fair.buyers[3], fair.other, "walkin")]):
        db.session.add(Meeting(event_id=fair.event.id, slot_id=slots[5 + index].id,
                               buyer_id=buyer.id, organisation_id=org.id,
                               status="accepted", source=source,
                               ics_uid=f"sched-{fair.event.id}-{index}@matchmaker"))
    db.session.commit()
    figures = event_figures(fair.event)
    assert figures.meetings_requested == 5  # the buyers' five requests, as before
    assert figures.meetings_scheduled == 2
    assert figures.meetings_accepted == 4 + 3
    from flask_babel import force_locale

    with force_locale("en"):
        heads = dict(headline(figures))
        funnel = dict(chart_tables(figures)["meetings"].rows)
    assert heads["Meeting requests"] == 5 and heads["Roundtable meetings"] == 2
    assert funnel["Requested"] == 5 and funnel["Scheduled by the roundtable"] == 2


def test_booth_labels_keep_the_booth_code_whole(fair, request_context):
    from matchmaker.charts import bar_chart

    names = [f"B-{n} · Asociación de Productores Agropecuarios del Valle {n}" for n in (10, 11)]
    svg = bar_chart("Scans per booth", "", [(names[0], 3), (names[1], 2)])
    assert svg.count("B-10") >= 1 and svg.count("B-11") >= 1
    assert f"<title>{names[0]}: 3</title>" in svg.replace("&amp;", "&")
    # Both labels show in full over two lines each (no "…" in the drawn text).
    drawn = svg.split("</title>")[2:]
    assert not any("…" in part for part in drawn)
