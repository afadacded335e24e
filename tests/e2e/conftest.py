"""Browser tests: Playwright (sync API) driving the OS Chromium against pytest-django's live
server. Never a downloaded browser: `playwright install` is not needed."""

import os
from pathlib import Path

import pytest

# The sync Playwright API runs an event loop in the test thread; the ORM calls that set up
# each test are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": {"width": 1440, "height": 1000},
        "accept_downloads": True,
    }


@pytest.fixture
def shot(page):
    """Save a full-page screenshot of the current step under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def reference_data(transactional_db):
    """The live server's database is flushed between tests: reload the reference rows
    (`tests/conftest.py` puts the session's back after the flush)."""
    from accords.reference_rules import load_rule_sets
    from cases.reference import load_document_requirements
    from notifications.reference import load_reminder_offsets

    load_rule_sets()
    load_reminder_offsets()
    load_document_requirements()
