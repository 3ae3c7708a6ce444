"""axe-core on the main pages of each role (the demo fair), on a phone and a laptop: no
serious or critical violations, and no page wider than the screen. The same pages as the
screenshots (matchmaker/demo/tour.py).

axe-core comes from the `axe-playwright-python` test dependency and is injected by the test
only; it is never served to users."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from matchmaker.demo import tour
from tests.demo_snapshot import load_demo

pytestmark = pytest.mark.slow  # seeds the demo fair and generates its roundtable

VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "locale": "es-PE"},
    "desktop": {"viewport": {"width": 1366, "height": 768}, "locale": "en-GB"},
}
SERIOUS = ("serious", "critical")


def _log_in(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", tour.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _violations(axe, page) -> list[str]:
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f'{violation["id"]} ({violation["impact"]}): {targets}')
    return found


# One test per role, so that the pytest workers share the tour.
@pytest.mark.parametrize("role", tour.ACCOUNTS)
def test_main_pages_have_no_serious_or_critical_violations(app, browser, live_server, role):
    load_demo()
    tour.prepare_roundtable()
    with app.test_request_context():
        screens = tour.main_screens()
    axe = Axe()
    report = []
    email = tour.ACCOUNTS[role]
    for size, options in VIEWPORTS.items():
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(15_000)
        page = context.new_page()
        if email:
            _log_in(page, email)
        for screen in (s for s in screens if s.role == role):
            response = page.goto(screen.path)
            page.wait_for_load_state()
            # The page itself is checked, not an error page or the log-in form.
            landed = urlsplit(page.url).path
            if not response.ok or (landed == "/login" != urlsplit(screen.path).path):
                report.append(f"{size} {role} {screen.path}: {response.status} at {landed}")
                continue
            report += [f"{size} {role} {screen.path}: {v}" for v in _violations(axe, page)]
            # Reflow (WCAG 1.4.10): nothing but the scrolling table regions is wider than
            # the screen. clientWidth, not innerWidth, which a mobile page widens to fit.
            widths = page.evaluate("[document.documentElement.scrollWidth,"
                                   " document.documentElement.clientWidth]")
            if widths[0] > widths[1]:
                report.append(f"{size} {role} {screen.path}: {widths[0]} px wide "
                              f"on a {widths[1]} px screen")
        context.close()
    assert not report, "\n".join(report)
