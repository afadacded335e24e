"""Promise: two users running a step on the same dossier at once — exactly one wins, the other
gets a clear French error, no update is lost and one event is recorded (PostgreSQL, threads)."""

import threading
import time
from unittest import mock

from django.db import connections

from cases import services
from cases.choices import DossierState, Role
from cases.exceptions import ConcurrentChange, DossierError
from cases.models import Dossier, DossierEvent
from cases.services import dossier_run_transition
from cases.services import transitions as transition_services
from tests.factories import AgencyFactory, DossierFactory, UserFactory
from tests.security.conftest import postgresql_only

pytestmark = postgresql_only

CANCEL = {"cancellation_reason": "error", "comment": "Erreur de saisie."}


def _race(dossier_id: int, users: list, name: str, data: dict) -> list:
    """Run `name` for every user in its own thread, all released at the same instant.

    While it holds the row lock, the winner pauses in the refresh that follows the save, so
    the others are certainly waiting on the lock rather than running after it.
    """
    barrier = threading.Barrier(len(users))
    results: list = [None] * len(users)
    refresh = transition_services.dossier_refresh

    def slow_refresh(dossier):
        time.sleep(0.5)
        return refresh(dossier)

    def run(index: int, user) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = dossier_run_transition(
                dossier_id=dossier_id,
                name=name,
                by=user,
                data=data,
                expected_state=DossierState.DRAFT,
            )
        except DossierError as exc:
            results[index] = exc
        finally:
            connections.close_all()

    with mock.patch.object(transition_services, "dossier_refresh", slow_refresh):
        threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return results


def test_two_users_cancelling_the_same_dossier_at_once_one_wins(committed_db):
    agency = AgencyFactory()
    dossier = DossierFactory(cpi=True, agency=agency)
    alice = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    bruno = UserFactory(role=Role.AGENCY_MANAGER, agencies=[agency])

    results = _race(dossier.pk, [alice, bruno], "cancel", CANCEL)

    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], ConcurrentChange)
    assert "modifié entre-temps" in losers[0].message
    assert "« Annulé »" in losers[0].message
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CANCELLED
    events = DossierEvent.objects.filter(dossier=dossier, transition="cancel")
    assert events.count() == 1


def test_a_step_and_a_plan_edit_at_once_lose_nothing(committed_db):
    """The plan edit waits for the step's lock: both land, neither overwrites the other."""
    agency = AgencyFactory()
    dossier = DossierFactory(cpi=True, agency=agency, eu_tutor="Avant")
    alice = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    bruno = UserFactory(role=Role.AGENCY_MANAGER, agencies=[agency])
    barrier = threading.Barrier(2)
    errors: list = []

    def edit() -> None:
        try:
            barrier.wait(timeout=10)
            time.sleep(0.1)  # the step takes the lock first
            services.dossier_update(dossier_id=dossier.pk, by=bruno, data={"eu_tutor": "Après"})
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    def step() -> None:
        try:
            barrier.wait(timeout=10)
            dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=alice, data=CANCEL)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    refresh = transition_services.dossier_refresh

    def slow_refresh(d):
        time.sleep(0.5)
        return refresh(d)

    with mock.patch.object(transition_services, "dossier_refresh", slow_refresh):
        threads = [threading.Thread(target=edit), threading.Thread(target=step)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    dossier.refresh_from_db()
    # The step won the lock; the edit, which came after, is refused on a cancelled dossier
    # (no silent write of stale data), and the cancellation is not undone.
    assert dossier.state == DossierState.CANCELLED
    assert dossier.eu_tutor == "Avant"
    assert len(errors) == 1 and "ne peut plus être modifié" in errors[0].message
    assert DossierEvent.objects.filter(dossier=dossier, transition="cancel").count() == 1


def test_the_reference_data_is_back_after_a_transactional_test(committed_db):
    """Runs after the tests above, whose flush emptied the tables: the rule sets are back."""
    from accords.models import RuleSet
    from notifications.models import ReminderOffset

    assert RuleSet.objects.exists()
    assert ReminderOffset.objects.exists()
