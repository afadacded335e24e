"""Issue 17, « Accessible » and « Fits the screen », in real Chromium.

- axe-core (npm, pinned in package.json / package-lock.json, installed by `make axe`) is run
  on the twelve-odd pages a case worker uses most: no serious or critical violation.
- The dossier page can be worked with the keyboard alone: tabbing reaches the step buttons
  with a visible focus, and Enter runs a step.
- At 1366 and 1440 px wide the dossier list shows its key columns without scrolling sideways.

README « Accessibilité (RGAA) » says which RGAA criteria the axe rules cover.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.choices import DeadlineKind, DocumentKind, Role
from cases.models import Deadline, Document
from notifications.models import Notification
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_case_worker_day import log_in
from tests.factories import AgencyFactory, ClientCompanyFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture
def desk(reference_data):
    agency = AgencyFactory(name="Agence Lyon Part-Dieu")
    user = UserFactory(
        username="camille", role=Role.CASE_WORKER, agencies=[agency], last_name="Bernard"
    )
    company = ClientCompanyFactory(name="Logistique et Transports du Grand Rhône")
    dossiers = []
    for n, name in enumerate(["Moreau-Lefebvre", "Petit", "Garnier", "Rousseau"]):
        dossier = DossierFactory(
            agency=agency,
            case_worker=user,
            worker__last_name=name,
            worker__first_name="Marie-Charlotte",
            akto_reference=f"AKTO-2026-0000{n}",
        )
        dossier.client_companies.add(company)
        due = timezone.localdate() + dt.timedelta(days=n - 1)
        Deadline.objects.create(
            dossier=dossier,
            kind=DeadlineKind.AKTO_DEPOSIT,
            label=DeadlineKind.AKTO_DEPOSIT.label,
            due=due,
            safe_date=due,
            source="003 — fiche CPI",
        )
        dossiers.append(dossier)
    Document.objects.create(dossier=dossiers[0], kind=DocumentKind.OTHER)
    Notification.objects.create(
        recipient=user, dossier=dossiers[0], kind="d-3", level="warning", message="Relance"
    )
    return {"user": user, "dossier": dossiers[0]}


def pages(desk) -> dict[str, str]:
    """The pages a case worker uses most (README « Accessibilité (RGAA) »)."""
    dossier = desk["dossier"]
    return {
        "tableau de bord": "/admin/",
        "liste des dossiers": "/admin/cases/dossier/",
        "liste des dossiers filtrée": "/admin/cases/dossier/?dispositif__exact=CPI&en_retard=1",
        "page d'un dossier": f"/admin/cases/dossier/{dossier.pk}/change/",
        "nouveau dossier": "/admin/cases/dossier/add/",
        "formulaire d'une étape": f"/admin/cases/dossier/{dossier.pk}/transition/cancel/",
        "liste des salariés": "/admin/cases/worker/",
        "fiche d'un salarié": f"/admin/cases/worker/{dossier.worker_id}/change/",
        "nouveau salarié": "/admin/cases/worker/add/",
        "pièces": "/admin/cases/document/",
        "échéances": "/admin/cases/deadline/",
        "notifications": "/admin/notifications/notification/",
        "rapports": "/admin/reports/storedreport/",
    }


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's CSP (no inline script) holds.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [node["target"] for node in v["nodes"][:5]],
            "html": [node["html"][:300] for node in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def test_axe_core_is_installed():
    assert AXE.is_file(), "axe-core manque : lancez `make axe` (npm ci)."


def test_the_case_workers_pages_have_no_serious_accessibility_violation(
    page: Page, live_server, desk, shot
):
    assert AXE.is_file(), "axe-core manque : lancez `make axe` (npm ci)."
    log_in(page, live_server.url, "camille")
    found = {}
    for name, path in pages(desk).items():
        response = page.goto(live_server.url + path)
        assert response.ok, (name, response.status)
        if path == "/admin/":
            shot("bureau-charge-de-dossiers")
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    report = json.dumps(found, ensure_ascii=False, indent=1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "axe-violations.json").write_text(report, encoding="utf-8")
    assert not found, report


def test_the_dossier_page_can_be_worked_with_the_keyboard(page: Page, live_server, desk, shot):
    log_in(page, live_server.url, "camille")
    dossier = desk["dossier"]
    page.goto(f"{live_server.url}/admin/cases/dossier/{dossier.pk}/change/")
    cancel = page.locator("button[name=_fsm_transition_to][value=cancel]")
    for _ in range(80):
        page.keyboard.press("Tab")
        if cancel.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("La touche Tab n'atteint pas le bouton « Annuler le dossier ».")
    # The focus shows: an outline drawn around the focused button.
    outline = cancel.evaluate(
        "b => { const s = getComputedStyle(b); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline[0] != "none" and outline[1] != "0px", outline
    shot("clavier-etape-focus")
    page.keyboard.press("Enter")
    expect(page.locator("#id_comment")).to_be_visible()  # the step's own form opened
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement !== document.body")


@pytest.mark.parametrize("width", [1366, 1440])
def test_the_dossier_list_fits_the_screen(page: Page, live_server, desk, shot, width):
    page.set_viewport_size({"width": width, "height": 768})
    log_in(page, live_server.url, "camille")
    page.goto(f"{live_server.url}/admin/cases/dossier/")
    table = page.locator("#result_list")
    expect(table).to_be_visible()
    sizes = page.evaluate(
        """() => {
          const table = document.querySelector('#result_list');
          const box = table.closest('.results') || table.parentElement;
          return {table: table.scrollWidth, box: box.clientWidth,
                  page: document.documentElement.scrollWidth,
                  viewport: document.documentElement.clientWidth};
        }"""
    )
    shot(f"liste-dossiers-{width}")
    assert sizes["table"] <= sizes["box"], sizes
    assert sizes["page"] <= sizes["viewport"], sizes
    for header in (
        "n°",
        "salarié",
        "dispositif",
        "état",
        "prochaine échéance",
        "chargé",
        "référence akto",
    ):
        column = page.locator("#result_list thead th", has_text=header).first
        expect(column).to_be_in_viewport()
