"""The mission obligations: hours done inside the window, hours needed, verdict.

Sources: 003 — fiche CIPI (« Mission obligatoire intégrée au CIPI : minimum 70h »), fiches
CDPI and CAR (« Mission obligatoire à l'issue : Au moins 1/3 de la durée de formation dans les
3 mois suivant la fin de formation »); DOMAIN.md §3 (deadlines and obligations table). The
pro-rata of a mission straddling a window boundary is the product's rule (the texts are
silent): hours × calendar days inside / calendar days of the mission, to the cent, half up.
"""

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

import pytest

from accords.params import parse_parameters
from cases.rules import obligations as o
from cases.rules.obligations import MissionSpan
from cases.rules.plan_checks import rules_findings
from tests.factories import DossierFactory, MissionFactory
from tests.rules.conftest import plan, worker

DAY = dt.timedelta(days=1)
CIPI_START, CIPI_END = dt.date(2026, 3, 2), dt.date(2026, 6, 30)
TRAINING_END = dt.date(2026, 6, 30)  # CDPI/CAR window: 1 Jul → 30 Sep 2026
WINDOW_END = dt.date(2026, 9, 30)


def cipi_plan():
    return plan(
        "CIPI",
        worker=worker(publics={"RSA"}),
        contract_start=CIPI_START,
        contract_end=CIPI_END,
        training_end=dt.date(2026, 4, 30),
        training_hours=D("150"),
        contract_hours=D("300"),
    )


def cdpi_plan(training_hours=D("300"), dispositif="CDPI"):
    return plan(
        dispositif,
        contract_end=dt.date(2026, 12, 31),
        training_end=TRAINING_END,
        training_hours=training_hours,
    )


def one(rules, p, missions, today=dt.date(2026, 3, 2)):
    [progress] = o.plan_obligations(p, rules(p.dispositif), missions, today=today)
    return progress


def span(start, end, hours):
    return MissionSpan(start=start, end=end, hours=D(hours))


class TestCipi:
    @pytest.mark.parametrize(
        ("hours", "verdict"), [("70", o.MET), ("69.99", o.UNMET), ("70.01", o.MET)]
    )
    def test_seventy_hours_inside_the_contract(self, rules, hours, verdict):
        """003 — fiche CIPI: « minimum 70h » of missions inside the contract; exactly 70 h meets
        it, 69.99 h does not (assessed the day after the contract end)."""
        found = one(
            rules,
            cipi_plan(),
            [span(dt.date(2026, 5, 4), dt.date(2026, 5, 15), hours)],
            today=CIPI_END + DAY,
        )
        assert (found.hours_done, found.hours_needed, found.verdict) == (D(hours), D("70"), verdict)
        assert (found.window_start, found.window_end) == (CIPI_START, CIPI_END)
        assert found.days_left == 0

    def test_window_open_until_the_contract_end_day_included(self, rules):
        """003 — fiche CIPI; DOMAIN.md §3: the window is the contract, its last day included."""
        missions = [span(dt.date(2026, 5, 4), dt.date(2026, 5, 8), "35")]
        assert one(rules, cipi_plan(), missions, today=CIPI_END).verdict == o.OPEN
        assert one(rules, cipi_plan(), missions, today=CIPI_END).days_left == 0
        assert one(rules, cipi_plan(), missions, today=CIPI_END - 10 * DAY).days_left == 10
        assert one(rules, cipi_plan(), missions, today=CIPI_END + DAY).verdict == o.UNMET

    def test_met_before_the_window_closes(self, rules):
        """003 — fiche CIPI: 70 h reached in April: met at once, the window still open."""
        found = one(rules, cipi_plan(), [span(dt.date(2026, 4, 6), dt.date(2026, 4, 17), "70")])
        assert found.verdict == o.MET

    def test_mission_straddling_the_contract_end_counts_its_part_inside(self, rules):
        """Product rule (texts silent): 28 Jun → 7 Jul, 100 h over 10 days, 3 inside: 30 h."""
        found = one(rules, cipi_plan(), [span(dt.date(2026, 6, 28), dt.date(2026, 7, 7), "100")])
        assert (found.hours_done, found.prorated) == (D("30"), True)

    def test_mission_straddling_the_contract_start(self, rules):
        """Product rule: 25 Feb → 6 Mar, 50 h over 10 days, 5 in the contract (2–6 Mar): 25 h."""
        found = one(rules, cipi_plan(), [span(dt.date(2026, 2, 25), dt.date(2026, 3, 6), "50")])
        assert found.hours_done == D("25")

    def test_threshold_comes_from_the_rule_set(self):
        """DOMAIN.md §2 (parameter): another rule set, another number, in the message too."""
        params = parse_parameters({"mission_in_contract": {"min": "35", "source": "test"}})
        [found] = o.plan_obligations(
            cipi_plan(),
            params,
            [span(dt.date(2026, 5, 4), dt.date(2026, 5, 8), "35")],
            today=CIPI_START,
        )
        assert (found.hours_needed, found.verdict) == (D("35"), o.MET)
        assert "35 h" in found.rule and "70" not in found.rule


class TestAfterTraining:
    @pytest.mark.parametrize("dispositif", ["CDPI", "CAR"])
    def test_one_third_within_three_months(self, rules, dispositif):
        """003 — fiches CDPI, CAR: « Au moins 1/3 de la durée de formation dans les 3 mois
        suivant la fin de formation »: 300 h → 100 h, window 1 Jul → 30 Sep."""
        p = cdpi_plan(dispositif=dispositif)
        found = one(rules, p, [span(dt.date(2026, 7, 6), dt.date(2026, 8, 28), "100")])
        assert (found.window_start, found.window_end) == (TRAINING_END + DAY, WINDOW_END)
        assert (found.hours_done, found.hours_needed, found.verdict) == (D("100"), D("100"), o.MET)
        assert found.rule == (
            "missions d'au moins 1/3 des heures de formation dans les 3 mois suivant la fin "
            "de la formation"
        )

    def test_training_end_day_excluded(self, rules):
        """003 — fiche CDPI « suivant la fin de formation »: a mission on the training end day
        is not after it; on the next day it is."""
        on_end = [span(TRAINING_END, TRAINING_END, "100")]
        next_day = [span(TRAINING_END + DAY, TRAINING_END + DAY, "100")]
        assert one(rules, cdpi_plan(), on_end).hours_done == 0
        assert one(rules, cdpi_plan(), next_day).hours_done == D("100")

    def test_window_end_day_included(self, rules):
        """003 — fiche CDPI « dans les 3 mois »: 30 Sep counts, 1 Oct does not."""
        assert one(rules, cdpi_plan(), [span(WINDOW_END, WINDOW_END, "7")]).hours_done == D("7")
        after = [span(WINDOW_END + DAY, WINDOW_END + DAY, "7")]
        assert one(rules, cdpi_plan(), after).hours_done == 0

    def test_mission_straddling_the_window_end(self, rules):
        """Product rule: 21 Sep → 10 Oct (20 days, 10 inside), 120 h: 60 h count."""
        found = one(rules, cdpi_plan(), [span(dt.date(2026, 9, 21), dt.date(2026, 10, 10), "120")])
        assert (found.hours_done, found.prorated) == (D("60"), True)

    def test_mission_straddling_the_training_end(self, rules):
        """Product rule: 26 Jun → 5 Jul (10 days, 5 after the training end), 70 h: 35 h."""
        found = one(rules, cdpi_plan(), [span(dt.date(2026, 6, 26), dt.date(2026, 7, 5), "70")])
        assert found.hours_done == D("35")

    def test_pro_rata_rounds_each_mission_to_the_cent_half_up(self, rules):
        """Product rule: 10 h over 3 days, 1 inside → 3.33 h; 0.05 h over 2 days → 0.03 h."""
        thirds = one(rules, cdpi_plan(), [span(WINDOW_END - DAY, WINDOW_END + DAY, "10")])
        assert thirds.hours_done == D("6.67")
        half = one(rules, cdpi_plan(), [span(WINDOW_END, WINDOW_END + DAY, "0.05")])
        assert half.hours_done == D("0.03")
        one_day = one(rules, cdpi_plan(), [span(TRAINING_END - DAY, TRAINING_END + DAY, "10")])
        assert one_day.hours_done == D("3.33")

    @pytest.mark.parametrize(("done", "verdict"), [("33.34", o.MET), ("33.33", o.UNMET)])
    def test_a_third_that_does_not_divide(self, rules, done, verdict):
        """003 — fiche CDPI: 1/3 of 100 h is 33.333… h: 33.34 h is enough, 33.33 h is not."""
        found = one(
            rules,
            cdpi_plan(training_hours=D("100")),
            [span(dt.date(2026, 7, 6), dt.date(2026, 7, 10), done)],
            today=WINDOW_END + DAY,
        )
        assert (found.hours_needed, found.verdict) == (D("33.34"), verdict)

    def test_no_training_end_no_obligation_yet(self, rules):
        """DOMAIN.md §3: the window counts from the training end; unknown end, no window."""
        p = replace(cdpi_plan(), training_end=None)
        assert o.plan_obligations(p, rules("CDPI"), [], today=CIPI_START) == []

    def test_open_then_unmet(self, rules):
        """DOMAIN.md §3: unmet only once the window has closed."""
        missions = [span(dt.date(2026, 7, 6), dt.date(2026, 7, 10), "35")]
        during = one(rules, cdpi_plan(), missions, today=dt.date(2026, 9, 1))
        assert (during.verdict, during.days_left) == (o.OPEN, 29)
        assert one(rules, cdpi_plan(), missions, today=WINDOW_END + DAY).verdict == o.UNMET


@pytest.mark.parametrize("dispositif", ["CPI", "CAI", "PRO_A_INTERIM", "PRO_A_PERMANENT"])
def test_no_mission_obligation_elsewhere(rules, dispositif):
    """DOMAIN.md §3: only CIPI, CDPI and CAR carry a mission obligation."""
    assert o.plan_obligations(plan(dispositif), rules(dispositif), [], today=CIPI_START) == []


class TestDossier:
    """The dossier-level reader and the plan checks that read it."""

    AFTER = dt.date(2026, 10, 1)  # the CDPI window (1 Jul → 30 Sep 2026) has closed

    @pytest.fixture
    def cdpi(self, rules):
        return DossierFactory(
            cdpi=True,
            state="mission_follow_up",
            worker__other_agencies_branch_hours=D("200"),
            training_end=TRAINING_END,
            planned_training_hours=D("300"),
        )

    def mission(self, dossier, start, end, hours):
        return MissionFactory(
            worker=dossier.worker, dossier=dossier, start=start, end=end, hours=D(hours)
        )

    def codes(self, dossier, transition="request_reimbursement", today=AFTER):
        return {f.code: f for f in rules_findings(dossier, transition, today=today)}

    def test_reader_reads_the_recorded_missions(self, cdpi):
        """003 — fiche CDPI: 100 h inside the window out of 100 h needed."""
        self.mission(cdpi, dt.date(2026, 7, 6), dt.date(2026, 8, 28), "100")
        [found] = o.dossier_obligations(cdpi, today=self.AFTER)
        assert (found.hours_done, found.hours_needed, found.verdict) == (D("100"), D("100"), o.MET)

    def test_reader_reads_prefetched_missions_without_a_query(
        self, cdpi, rules, django_assert_num_queries
    ):
        missions = [self.mission(cdpi, dt.date(2026, 7, 6), dt.date(2026, 8, 28), "40")]
        params = rules("CDPI")
        with django_assert_num_queries(0):
            [found] = o.dossier_obligations(cdpi, params, today=self.AFTER, missions=missions)
        assert found.verdict == o.UNMET

    def test_plan_check_counts_only_the_part_inside_the_window(self, cdpi):
        """003 — fiche CDPI; product pro-rata rule: a mission of 120 h from 21 Sep to 10 Oct
        counts 60 h (10 of its 20 days inside): below the 100 h needed."""
        self.mission(cdpi, dt.date(2026, 9, 21), dt.date(2026, 10, 10), "120")
        finding = self.codes(cdpi)["post_training_missions_insufficient"]
        assert finding.severity == "warning"
        assert finding.message == (
            "Missions après la formation : 60 h au 30/09/2026, il en fallait au moins 100 h "
            "(missions d'au moins 1/3 des heures de formation dans les 3 mois suivant la fin "
            "de la formation). Vérifiez que toutes les missions de la période sont enregistrées "
            "avec leurs heures."
        )
        self.mission(cdpi, dt.date(2026, 7, 6), dt.date(2026, 7, 10), "40")
        assert "post_training_missions_insufficient" not in self.codes(cdpi)

    def test_plan_check_waits_for_the_window_to_close(self, cdpi):
        """003 — fiche CDPI: the window's last day (30 Sep) still belongs to it."""
        assert "post_training_missions_insufficient" not in self.codes(cdpi, today=WINDOW_END)
        assert "post_training_missions_insufficient" in self.codes(cdpi, today=self.AFTER)

    @pytest.mark.parametrize(("hours", "warned"), [("69.99", True), ("70", False)])
    def test_cipi_closed_below_the_minimum_warns(self, rules, hours, warned):
        """003 — fiche CIPI « minimum 70h »: after the contract end, 69.99 h is worth a warning
        before closing; 70 h is not."""
        dossier = DossierFactory(cipi=True, state="reimbursement_requested")
        self.mission(dossier, dossier.contract_start, dossier.contract_start, hours)
        after = dossier.contract_end + DAY
        found = self.codes(dossier, "close", today=after)
        assert ("mission_hours_below_minimum" in found) is warned
        if warned:
            assert found["mission_hours_below_minimum"].severity == "warning"
            assert "69,99 h" in found["mission_hours_below_minimum"].message
