import pytest
import requests
from pytest_django.plugin import blocking_manager_key

from cases.registers import company_search


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "documents"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the reference rule sets, funding rates and reminder calendar.

    Dossier transitions are checked against the rule set in force on the contract start:
    without one they are blocked (`rule_set_missing`). Tests that need another state change
    the rows inside their own transaction.
    """
    from accords.reference_rules import load_rule_sets
    from notifications.reference import load_reminder_offsets

    with django_db_blocker.unblock():
        load_rule_sets()
        load_reminder_offsets()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put back the session's reference data.

    The flush (in `transactional_db`'s teardown, which `live_server` tests use too) empties
    every table, including the rule sets and reminder offsets that `django_db_setup` loads
    once per session; the tests that run after it need them. Reloaded here, after every
    fixture's teardown and outside any test transaction, so that it holds for what follows.
    """
    result = yield
    if nextitem is not None and {"transactional_db", "live_server"} & set(item.fixturenames):
        from accords.reference_rules import load_rule_sets
        from notifications.reference import load_reminder_offsets

        with item.config.stash[blocking_manager_key].unblock():
            load_rule_sets()
            load_reminder_offsets()
    return result


@pytest.fixture
def freeze_today(monkeypatch):
    """`freeze_today(date)`: the product's « today » (and « now », at 10:00 Europe/Paris).

    Neither time-machine nor freezegun is installed: the product reads the clock through
    `django.utils.timezone` only (`now`, `localdate`), so patching `timezone.now` freezes it.
    """
    import datetime as dt
    import zoneinfo

    from django.utils import timezone

    def freeze(day: dt.date) -> dt.date:
        moment = dt.datetime.combine(day, dt.time(10), tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))
        return day

    return freeze


@pytest.fixture(autouse=True)
def _no_company_register(monkeypatch):
    """The state's company register is never called from the test suite: a lookup that a test
    did not give recorded answers (tests/registers/conftest.py) meets an absent network."""

    class NoNetwork(requests.adapters.BaseAdapter):
        def send(self, request, **kwargs):
            raise requests.ConnectionError("tests: no network")

        def close(self):
            pass

    def session():
        s = requests.Session()
        s.mount("https://", NoNetwork())
        s.mount("http://", NoNetwork())
        return s

    monkeypatch.setattr(company_search, "new_session", session)
