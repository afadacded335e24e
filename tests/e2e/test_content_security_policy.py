"""The pages people use work under the Content-Security-Policy, in a real browser: the admin
login, the dossier list, a dossier, a new dossier's plan check, the reports page and the API
documentation (Swagger UI). Any violation the browser reports fails the test."""

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from cases.choices import Role
from tests.e2e.test_case_worker_day import log_in
from tests.factories import AgencyFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.e2e

# Chromium fires `securitypolicyviolation` on the document for each refusal; the listener is
# installed before any page script runs and reports through the console.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.effectiveDirective + " refused " + (event.blockedURI || "inline")
    + " on " + event.documentURI + (event.sample ? " (" + event.sample + ")" : "")
  );
});
"""


@pytest.fixture
def violations(page: Page) -> list[str]:
    """What the browser refused (its own console line and our listener's), and script errors."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            seen.append(message.text)

    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"script error: {error}"))
    return seen


@pytest.fixture
def dossier(reference_data):
    agency = AgencyFactory(name="Agence Lyon Part-Dieu")
    UserFactory(username="camille", role=Role.AGENCY_MANAGER, agencies=[agency])
    # A cohort the reports may show (reports.privacy: no cohort under 5 people).
    for _ in range(5):
        DossierFactory(cpi=True, agency=agency)
    return DossierFactory(cpi=True, agency=agency, worker__last_name="Moreau")


def test_the_pages_work_under_the_content_security_policy(
    page: Page, live_server, dossier, violations
):
    page.set_default_timeout(15000)
    base = live_server.url

    response = page.goto(f"{base}/admin/login/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    log_in(page, base, "camille")  # the login form posts under form-action 'self'

    page.goto(f"{base}/admin/cases/dossier/")
    expect(page.locator("#result_list")).to_contain_text("MOREAU")

    page.goto(f"{base}/admin/cases/dossier/{dossier.pk}/change/")
    expect(page.locator("#timeline")).to_be_visible()

    # The plan check of a new dossier: a script of ours, from a static file.
    page.goto(f"{base}/admin/cases/dossier/add/")
    expect(page.locator("#plan-preview[data-ready='1']")).to_be_attached()

    year = timezone.localdate().year
    page.goto(f"{base}/admin/reports/storedreport/?kind=cpne&period={year}&scope=all")
    expect(page.locator("figure.report-chart svg").first).to_be_visible()

    page.goto(f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API Alternance intérim")
    expect(page.locator(".opblock").first).to_be_visible()  # the schema was fetched and read

    assert violations == [], "\n".join(violations)


def test_the_browser_refuses_an_injected_inline_script(page: Page, live_server, violations):
    """The policy is enforced, and a refusal reaches `violations`."""
    page.goto(f"{live_server.url}/admin/login/")
    with page.expect_console_message(lambda message: "CSP violation" in message.text):
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.injected = true;";
              document.body.appendChild(script);
            }"""
        )
    assert page.evaluate("window.injected") is None
    assert any("script-src-elem refused inline" in line for line in violations)
