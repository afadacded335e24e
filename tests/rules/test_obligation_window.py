"""The mission obligation's window after the training follows the facts (issue #15).

Source: 003 — fiches CDPI and CAR (« Mission obligatoire à l'issue : Au moins 1/3 de la durée
de formation dans les 3 mois suivant la fin de formation »); DOMAIN.md §3 (deadlines and
obligations table). The window counts from the training's **actual** end once the dossier
records it (`training_ended_on`, « Passer au suivi des missions »); until then from the planned
end, and the obligation says it is provisional. The reimbursement request (003, CIPI, CDPI,
CAR: « après la formation », its delay a parameter) counts from the same end.
"""

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

import pytest

from accords.params import Reimbursement
from cases.choices import DeadlineKind
from cases.deadlines import deadlines_sync
from cases.models import Deadline
from cases.rules import obligations as o
from cases.rules.deadlines import plan_deadlines
from cases.rules.obligations import MissionSpan
from tests.factories import DossierFactory, MissionFactory
from tests.rules.conftest import plan

DAY = dt.timedelta(days=1)
PLANNED_END = dt.date(2026, 6, 30)  # planned window: 1 Jul → 30 Sep 2026
EARLY_END = dt.date(2026, 6, 19)  # actual window: 20 Jun → 19 Sep 2026
LATE_END = dt.date(2026, 7, 10)  # actual window: 11 Jul → 10 Oct 2026


def cdpi_plan(dispositif="CDPI", ended_on=None):
    return plan(
        dispositif,
        contract_end=dt.date(2026, 12, 31),
        training_end=PLANNED_END,
        training_ended_on=ended_on,
        training_hours=D("300"),
    )


def after(rules, p, missions=(), today=dt.date(2026, 3, 2)):
    [found] = o.plan_obligations(p, rules(p.dispositif), list(missions), today=today)
    return found


def day_mission(day, hours="100"):
    return MissionSpan(start=day, end=day, hours=D(hours))


@pytest.mark.parametrize("dispositif", ["CDPI", "CAR"])
@pytest.mark.parametrize(
    ("ended_on", "window", "basis"),
    [
        (None, (dt.date(2026, 7, 1), dt.date(2026, 9, 30)), o.PLANNED_END),
        (EARLY_END, (dt.date(2026, 6, 20), dt.date(2026, 9, 19)), o.ACTUAL_END),
        (PLANNED_END, (dt.date(2026, 7, 1), dt.date(2026, 9, 30)), o.ACTUAL_END),
        (LATE_END, (dt.date(2026, 7, 11), dt.date(2026, 10, 10)), o.ACTUAL_END),
    ],
    ids=["missing-actual-end", "early-end", "on-time-end", "late-end"],
)
def test_the_window_counts_from_the_actual_end_else_the_planned_one(
    rules, dispositif, ended_on, window, basis
):
    """003 fiches CDPI, CAR: « dans les 3 mois suivant la fin de formation »: the day after the
    end that took place, to that end + 3 months (that day included)."""
    found = after(rules, cdpi_plan(dispositif, ended_on))
    assert (found.window_start, found.window_end) == window
    assert found.window_basis == basis
    assert found.provisional is (ended_on is None)


def test_a_missing_actual_end_says_the_window_is_provisional(rules):
    found = after(rules, cdpi_plan())
    assert found.window_basis_label == (
        "Période provisoire, comptée depuis la fin prévue de la formation (30/06/2026) : elle "
        "suivra la fin réelle dès qu'elle sera enregistrée (« Passer au suivi des missions »)."
    )
    assert found.as_dict()["window_basis"] == "planned_end"
    recorded = after(rules, cdpi_plan(ended_on=EARLY_END))
    assert recorded.window_basis_label == (
        "Période comptée depuis la fin réelle de la formation (19/06/2026)."
    )


@pytest.mark.parametrize(
    ("ended_on", "day", "counted"),
    [
        # Early end: the days after it count, even before the planned end.
        (EARLY_END, EARLY_END, False),  # the last day of training
        (EARLY_END, EARLY_END + DAY, True),  # the window's first day
        (EARLY_END, dt.date(2026, 9, 19), True),  # its last day
        (EARLY_END, dt.date(2026, 9, 20), False),  # the planned window's, not the actual one's
        # Late end: a mission during the prolonged training does not count.
        (LATE_END, dt.date(2026, 7, 1), False),
        (LATE_END, LATE_END + DAY, True),
        (LATE_END, dt.date(2026, 10, 10), True),
        (LATE_END, dt.date(2026, 10, 11), False),
        # No actual end: the planned window.
        (None, PLANNED_END, False),
        (None, PLANNED_END + DAY, True),
        (None, dt.date(2026, 9, 30), True),
        (None, dt.date(2026, 10, 1), False),
    ],
)
def test_only_missions_inside_the_actual_window_count(rules, ended_on, day, counted):
    """003 fiches CDPI, CAR; DOMAIN.md §3: only hours worked inside the window count."""
    found = after(rules, cdpi_plan(ended_on=ended_on), [day_mission(day)])
    assert found.hours_done == (D("100") if counted else D("0"))
    assert (found.verdict == o.MET) is counted


def test_verdict_follows_the_actual_window_end(rules):
    """DOMAIN.md §3: open up to the window's last day included, then unmet. A late end keeps
    the window open after the planned one would have closed."""
    p = cdpi_plan(ended_on=LATE_END)
    assert after(rules, p, today=dt.date(2026, 10, 10)).verdict == o.OPEN
    assert after(rules, p, today=dt.date(2026, 10, 11)).verdict == o.UNMET
    early = cdpi_plan(ended_on=EARLY_END)
    assert after(rules, early, today=dt.date(2026, 9, 20)).verdict == o.UNMET


@pytest.mark.parametrize(
    ("ended_on", "due"),
    [
        (None, dt.date(2026, 9, 30)),
        (EARLY_END, dt.date(2026, 9, 19)),
        (LATE_END, dt.date(2026, 10, 10)),
    ],
    ids=["missing-actual-end", "early-end", "late-end"],
)
def test_the_obligation_deadline_is_the_window_end(rules, ended_on, due):
    """003 fiches CDPI, CAR: the one computation gives the deadline the window's last day."""
    found = {d.kind: d for d in plan_deadlines(cdpi_plan(ended_on=ended_on), rules("CDPI"))}
    assert found["mission_obligation"].due == due


@pytest.mark.parametrize("ended_on", [None, EARLY_END, LATE_END])
def test_the_reimbursement_deadline_counts_from_the_same_end(rules, ended_on):
    """003 (CIPI, CDPI, CAR): the reimbursement request comes after the training; its delay is
    the rule set's `reimbursement.days_after_training`."""
    delay = Reimbursement(days_after_training=60, source="Décision du conseil FPE.TT")
    params = replace(rules("CDPI"), reimbursement=delay)
    found = {d.kind: d for d in plan_deadlines(cdpi_plan(ended_on=ended_on), params)}
    assert found["reimbursement_request"].due == (ended_on or PLANNED_END) + 60 * DAY


class TestDossier:
    """The dossier reads its recorded actual end; its stored deadline moves with it."""

    @pytest.fixture
    def cdpi(self, rules):
        return DossierFactory(
            cdpi=True,
            state="in_training",
            worker__other_agencies_branch_hours=D("200"),
            training_end=PLANNED_END,
            planned_training_hours=D("300"),
        )

    def test_recording_the_actual_end_moves_the_window_and_the_deadline(self, cdpi):
        deadlines_sync(cdpi)
        stored = Deadline.objects.get(dossier=cdpi, kind=DeadlineKind.MISSION_OBLIGATION)
        assert stored.due == dt.date(2026, 9, 30)
        [found] = o.dossier_obligations(cdpi, today=dt.date(2026, 6, 1))
        assert found.window_basis == o.PLANNED_END
        day = EARLY_END + DAY
        MissionFactory(worker=cdpi.worker, dossier=cdpi, start=day, end=day, hours=D("100"))
        [found] = o.dossier_obligations(cdpi, today=dt.date(2026, 6, 1))
        assert found.hours_done == D("0")  # before the planned window
        cdpi.training_ended_on = EARLY_END
        cdpi.save()
        deadlines_sync(cdpi)
        stored.refresh_from_db()
        assert stored.due == dt.date(2026, 9, 19)
        [found] = o.dossier_obligations(cdpi, today=dt.date(2026, 6, 1))
        assert (found.window_basis, found.window_start) == (o.ACTUAL_END, EARLY_END + DAY)
        assert (found.hours_done, found.verdict) == (D("100"), o.MET)
        by_dossier = o.obligations_by_dossier([cdpi], today=dt.date(2026, 6, 1))
        assert by_dossier[cdpi.pk] == [found]
