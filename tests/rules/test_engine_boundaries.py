"""Boundary tests of every plan rule, with the reference rule sets loaded from fixtures/.

Each test names the source of the rule it pins (file, then article or sheet).
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from accords.models import Accord, Certification, CertificationListEntry
from cases.rules.engine import check_plan, is_eligible
from cases.rules.in_force import certification_listing
from tests.rules.conftest import START, birth_for_age, codes, plan, worker

SIX_MONTHS_END = dt.date(2026, 9, 1)  # 2 Mar → 1 Sep: E + 1 day = S + 6 months


def check(rules, p, listing=None):
    return check_plan(p, rules(p.dispositif), listing=listing)


class TestCpi:
    def test_reference_plan_passes(self, rules):
        """003 — fiche CPI: a 12-month CPI of 400 h for a 22-year-old is eligible."""
        findings = check(rules, plan())
        assert findings == []
        assert is_eligible(findings)

    @pytest.mark.parametrize(("hours", "ok"), [(D("150"), True), (D("149.99"), False)])
    def test_training_hours_minimum_150(self, rules, hours, ok):
        """003 — fiche CPI: « Durée de la formation minimum 150h »."""
        p = plan(contract_end=SIX_MONTHS_END, contract_hours=D("800"), training_hours=hours)
        assert ("training_hours_below_minimum" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(("end", "ok"), [(SIX_MONTHS_END, True), (dt.date(2026, 8, 31), False)])
    def test_six_months_to_the_day(self, rules, end, ok):
        """003 — fiche CPI: « Contrat de 6 à 12 mois » (E + 1 day ≥ S + 6 months)."""
        p = plan(contract_end=end, contract_hours=D("800"), training_hours=D("150"))
        assert ("contract_duration_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("end", "ok"), [(dt.date(2027, 3, 1), True), (dt.date(2027, 3, 2), False)]
    )
    def test_twelve_months_at_most(self, rules, end, ok):
        """003 — fiche CPI: « Contrat de 6 à 12 mois » (E + 1 day ≤ S + 12 months)."""
        p = plan(contract_end=end, contract_hours=D("1800"))
        assert ("contract_duration_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("publics", "age", "ok"),
        [
            ({"RSA", "JOB_SEEKER"}, 30, True),
            ({"JOB_SEEKER_LONG_TERM", "JOB_SEEKER"}, 30, True),
            ({"FORMER_CUI", "JOB_SEEKER"}, 30, True),
            ({"NO_SECONDARY_DIPLOMA"}, 20, True),
            ({"JOB_SEEKER"}, 30, False),
            (set(), 20, False),
        ],
    )
    def test_extended_to_36_months_for_priority_publics(self, rules, publics, age, ok):
        """003 — fiche CPI: « jusqu'à 36 mois pour certains publics » (publics of L.6325-11)."""
        p = plan(
            worker=worker(birth_date=birth_for_age(age), publics=publics),
            contract_end=dt.date(2029, 3, 1),
            contract_hours=D("4000"),
            training_hours=D("800"),
        )
        assert ("contract_duration_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("training", "contract", "ok"),
        [
            (D("250"), D("1000"), True),  # 25 % exactly
            (D("250.01"), D("1000"), False),  # just over 25 %
            (D("150"), D("1000"), True),  # 15 % exactly
            (D("150"), D("1000.1"), False),  # just under 15 %
        ],
    )
    def test_training_ratio_15_to_25_percent(self, rules, training, contract, ok):
        """003 — fiche CPI: formation « comprise entre 15 % à 25 % du contrat »."""
        p = plan(training_hours=training, contract_hours=contract)
        assert ("training_ratio_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(("training", "ok"), [(D("456.25"), True), (D("456.26"), False)])
    def test_ratio_uses_35_hours_a_week_by_default(self, rules, training, ok):
        """DOMAIN.md §7 convention on 003 — fiche CPI: 365 days × 35 h / 7 = 1 825 h; 25 % = 456.25 h."""
        p = plan(training_hours=training)
        assert ("training_ratio_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("birth", "publics", "expected"),
        [
            (birth_for_age(25, day_before_birthday=True), set(), set()),  # 25 until the eve of 26
            (birth_for_age(26), set(), {"public_not_eligible"}),  # 26 on the start date
            (birth_for_age(26), {"JOB_SEEKER"}, set()),
            (birth_for_age(26), {"AAH"}, set()),
            (birth_for_age(16), set(), set()),
            (birth_for_age(15, day_before_birthday=True), set(), {"age_out_of_range"}),
        ],
    )
    def test_age_and_publics(self, rules, birth, publics, expected):
        """003 — fiche CPI « Pour qui ? »: 16–25, or 26+ job seekers / minimum benefits."""
        p = plan(worker=worker(birth_date=birth, publics=publics))
        assert codes(check(rules, p)) & {"public_not_eligible", "age_out_of_range"} <= expected
        assert expected <= codes(check(rules, p))


class TestCai:
    @pytest.mark.parametrize(
        ("birth", "publics", "ok"),
        [
            (birth_for_age(29, day_before_birthday=True), set(), True),
            (birth_for_age(30), set(), False),
            (birth_for_age(30), {"DISABILITY"}, True),
            (birth_for_age(30), {"BUSINESS_CREATION"}, True),
            (birth_for_age(30), {"TOP_ATHLETE"}, True),
            (birth_for_age(15, day_before_birthday=True), {"DISABILITY"}, False),
        ],
    )
    def test_age_16_to_29_with_exemptions(self, rules, birth, publics, ok):
        """003 — fiche CAI « Pour qui ? »: 16 à 29 ans révolus; dérogations (handicap, création
        d'entreprise, sportifs de haut niveau)."""
        p = plan("CAI", worker=worker(birth_date=birth, publics=publics), training_hours=D("500"))
        assert ("age_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("training", "ok"), [(D("250"), True), (D("249.99"), False), (D("700"), True)]
    )
    def test_training_at_least_25_percent(self, rules, training, ok):
        """003 — fiche CAI: « Durée de la formation : au moins 25% de la durée du contrat »."""
        p = plan("CAI", training_hours=training, contract_hours=D("1000"))
        assert ("training_ratio_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("end", "ok"),
        [
            (SIX_MONTHS_END, True),
            (dt.date(2026, 8, 31), False),
            (dt.date(2029, 3, 1), True),
            (dt.date(2029, 3, 2), False),
        ],
    )
    def test_six_months_to_three_years(self, rules, end, ok):
        """003 — fiche CAI: « Contrat de 6 mois à 3 ans »."""
        p = plan("CAI", contract_end=end, training_hours=D("300"), contract_hours=D("1000"))
        assert ("contract_duration_out_of_range" not in codes(check(rules, p))) is ok


def cipi(**changes):
    values = {
        "worker": worker(publics={"RSA"}),
        "contract_end": dt.date(2026, 6, 30),
        "contract_hours": D("300"),
        "training_hours": D("200"),
        "training_end": dt.date(2026, 5, 29),
        "certification": None,
    }
    values.update(changes)
    return plan("CIPI", **values)


class TestCipi:
    def test_reference_plan_passes(self, rules):
        """003 — fiche CIPI: 300 h contract, 200 h training, 100 h missions, RSA recipient."""
        assert check(rules, cipi()) == []

    @pytest.mark.parametrize(
        ("contract", "ok"),
        [(D("140"), True), (D("139.99"), False), (D("315"), True), (D("315.01"), False)],
    )
    def test_contract_140_to_315_hours(self, rules, contract, ok):
        """003 — fiche CIPI: « Durée totale du contrat (formation + missions): de 140h à 315h »."""
        p = cipi(contract_hours=contract, training_hours=D("70"), mission_hours=D("70"))
        assert ("contract_hours_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("training", "ok"),
        [(D("70"), True), (D("69.99"), False), (D("245"), True), (D("245.01"), False)],
    )
    def test_training_70_to_245_hours(self, rules, training, ok):
        """003 — fiche CIPI: « Durée de la formation : de 70h à 245h »."""
        p = cipi(training_hours=training, mission_hours=D("70"))
        assert ("training_hours_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(("mission", "ok"), [(D("70"), True), (D("69.99"), False)])
    def test_mission_at_least_70_hours(self, rules, mission, ok):
        """003 — fiche CIPI: « Mission obligatoire intégrée au CIPI : minimum 70h »."""
        p = cipi(mission_hours=mission)
        assert ("mission_hours_below_minimum" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(("training", "ok"), [(D("245"), True), (D("245.01"), False)])
    def test_missions_default_to_contract_minus_training(self, rules, training, ok):
        """003 — fiche CIPI: contract = training + missions, so 315 h − 245 h leaves 70 h."""
        p = cipi(contract_hours=D("315"), training_hours=training)
        assert ("mission_hours_below_minimum" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(("end", "ok"), [(SIX_MONTHS_END, True), (dt.date(2026, 9, 2), False)])
    def test_over_six_months_at_most(self, rules, end, ok):
        """003 — fiche CIPI: « pouvant être réalisé sur 6 mois »."""
        p = cipi(contract_end=end)
        assert ("contract_duration_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("publics", "ok"),
        [({"RSA"}, True), ({"ETTI_FOLLOWED"}, True), ({"REFUGEE"}, True), (set(), False)],
    )
    def test_publics_far_from_employment(self, rules, publics, ok):
        """003 — fiche CIPI « Pour qui ? »; accord du 29 novembre 2019 art. 1 (liste)."""
        p = cipi(worker=worker(publics=publics))
        assert ("public_not_eligible" not in codes(check(rules, p))) is ok


def cdpi(**changes):
    values = {
        "worker": worker(branch_hours_12m=D("400")),
        "contract_end": dt.date(2026, 12, 31),
        "training_end": dt.date(2026, 9, 30),
        "training_hours": D("400"),
        "certification": "RNCP34860",
    }
    values.update(changes)
    return plan("CDPI", **values)


class TestCdpi:
    def test_reference_plan_passes(self, rules):
        """003 — fiche CDPI: 400 h of training for a worker with 400 h in the branch."""
        assert check(rules, cdpi()) == []

    @pytest.mark.parametrize(
        ("hours", "publics", "ok"),
        [
            (D("150"), set(), True),
            (D("149.99"), set(), False),
            (D("149.99"), {"CAREER_CHANGE"}, True),
            (D("0"), {"RSA"}, True),
            (D("0"), {"JOB_SEEKER"}, False),
        ],
    )
    def test_seniority_150_hours_or_exempt_public(self, rules, hours, publics, ok):
        """003 — fiche CDPI « Pour qui ? »: 150 h dans la branche sur 12 mois, ou personnes en
        reconversion / éloignées de l'emploi (accord du 29 novembre 2019 art. 8)."""
        p = cdpi(worker=worker(branch_hours_12m=hours, publics=publics))
        assert ("seniority_insufficient" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("training", "ok"),
        [(D("140"), True), (D("139.99"), False), (D("525"), True), (D("525.01"), False)],
    )
    def test_training_140_to_525_hours(self, rules, training, ok):
        """003 — fiche CDPI: « Durée du contrat (formation): de 140h à 525h »."""
        p = cdpi(training_hours=training)
        assert ("training_hours_out_of_range" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("end", "ok"), [(dt.date(2027, 3, 1), True), (dt.date(2027, 3, 2), False)]
    )
    def test_over_twelve_months_at_most(self, rules, end, ok):
        """003 — fiche CDPI: « pouvant être réalisé sur 12 mois »."""
        p = cdpi(contract_end=end)
        assert ("contract_duration_out_of_range" not in codes(check(rules, p))) is ok


def car(**changes):
    values = {
        "worker": worker(publics={"AT_MP"}),
        "contract_end": dt.date(2027, 3, 1),
        "training_end": dt.date(2026, 12, 1),
        "training_hours": D("600"),
    }
    values.update(changes)
    return plan("CAR", **values)


class TestCar:
    def test_reference_plan_passes(self, rules):
        """003 — fiche CAR: 12-month contract with 9 months of training, AT/MP in mission."""
        assert check(rules, car()) == []

    @pytest.mark.parametrize(
        ("end", "ok"), [(dt.date(2026, 12, 1), True), (dt.date(2026, 12, 2), False)]
    )
    def test_training_nine_months_at_most(self, rules, end, ok):
        """003 — fiche CAR: « Durée de la formation : 9 mois maximum »."""
        p = car(training_end=end)
        assert ("training_duration_too_long" not in codes(check(rules, p))) is ok

    @pytest.mark.parametrize(
        ("end", "ok"), [(dt.date(2027, 3, 1), True), (dt.date(2027, 3, 2), False)]
    )
    def test_contract_twelve_months_at_most(self, rules, end, ok):
        """003 — fiche CAR: « Durée du contrat (formation + missions): 12 mois maximum »."""
        assert (
            "contract_duration_out_of_range" not in codes(check(rules, car(contract_end=end)))
        ) is ok

    @pytest.mark.parametrize(("employment", "ok"), [("CTT", True), ("CDII", True), ("CDI", False)])
    def test_temp_workers_only(self, rules, employment, ok):
        """003 — fiche CAR « Pour qui ? »: « Salariés intérimaires en CTT ou CDII »."""
        p = car(worker=worker(publics={"AT_MP"}, employment=employment))
        assert ("employment_not_eligible" not in codes(check(rules, p))) is ok

    def test_requires_at_mp(self, rules):
        """003 — fiche CAR « Pour qui ? »: victimes d'AT/MP lors d'une mission en intérim."""
        assert "public_not_eligible" in codes(check(rules, car(worker=worker())))


@pytest.fixture
def pro_a_list(db):
    """A slice of the 001 annex: one eligible entry and one `(1)` entry excluded."""
    accord = Accord.objects.create(
        kind="accord",
        title="Pro-A intérimaires",
        signature_date=dt.date(2021, 1, 22),
        fingerprint="test-001",
    )
    listed = Certification.objects.create(code="RNCP34860", title="Préparateur", level=3)
    excluded = Certification.objects.create(code="RNCP12345", title="Exclu", level=4)
    CertificationListEntry.objects.create(
        accord=accord, certification=listed, sector="Logistique", order=1
    )
    CertificationListEntry.objects.create(
        accord=accord,
        certification=excluded,
        sector="Industrie",
        order=2,
        excluded_from_extension=True,
    )
    return accord


def pro_a(dispositif="PRO_A_INTERIM", **changes):
    values = {
        "worker": worker(employment="CDII" if dispositif == "PRO_A_INTERIM" else "CDI"),
        "contract_end": dt.date(2027, 3, 1),
        "training_hours": D("400"),
    }
    values.update(changes)
    return plan(dispositif, **values)


def check_pro_a(rules, p):
    params = rules(p.dispositif)
    return check_plan(p, params, listing=certification_listing(params, p.certification))


class TestProA:
    def test_reference_plan_passes(self, rules, pro_a_list):
        """001 art. 2 à 4: CDII holder, listed certification, 12 months, 400 h."""
        assert check_pro_a(rules, pro_a()) == []

    @pytest.mark.parametrize(("level", "ok"), [(None, True), (5, True), (6, False), (7, False)])
    def test_no_level_6_or_above(self, rules, pro_a_list, level, ok):
        """000 art. 2; Code du travail D.6324-1-1: no certification at licence level (6) or above."""
        p = pro_a(worker=worker(employment="CDII", highest_level=level))
        assert ("qualification_too_high" not in codes(check_pro_a(rules, p))) is ok

    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            ("CLEA", set()),
            ("CLEA_NUMERIQUE", set()),
            ("RNCP34860", set()),
            ("RNCP99999", {"certification_not_listed"}),
            (None, {"certification_not_listed"}),
            ("RNCP12345", {"certification_excluded"}),
        ],
    )
    def test_target_certification(self, rules, pro_a_list, code, expected):
        """001 art. 3.1 and annex: CléA, CléA numérique or a listed RNCP code; `(1)` entries are
        excluded from the extension (arrêté du 29 avril 2021)."""
        found = codes(check_pro_a(rules, pro_a(certification=code)))
        assert found & {"certification_not_listed", "certification_excluded"} == expected

    def test_unloaded_list_is_a_warning(self, rules):
        """000 art. 3.1: the permanent-staff list is not in our copy of 000 — warn, don't block."""
        findings = check_pro_a(rules, pro_a("PRO_A_PERMANENT"))
        assert [(f.code, f.severity) for f in findings] == [("certification_not_listed", "warning")]
        assert is_eligible(findings)

    @pytest.mark.parametrize(
        ("dispositif", "employment", "ok"),
        [
            ("PRO_A_INTERIM", "CDII", True),
            ("PRO_A_INTERIM", "CTT", False),
            ("PRO_A_PERMANENT", "CDI", True),
            ("PRO_A_PERMANENT", "CDII", False),
        ],
    )
    def test_employment(self, rules, pro_a_list, dispositif, employment, ok):
        """001 art. 2 (CDI intérimaire); 000 art. 2 (salariés permanents en CDI)."""
        p = pro_a(dispositif, worker=worker(employment=employment))
        assert ("employment_not_eligible" not in codes(check_pro_a(rules, p))) is ok

    @pytest.mark.parametrize(
        ("training", "contract", "code", "ok"),
        [
            (D("150"), D("1000"), "training_hours_below_minimum", True),
            (D("149.99"), D("999"), "training_hours_below_minimum", False),
            (D("250"), D("1000"), "training_ratio_out_of_range", True),
            (D("250.01"), D("1000"), "training_ratio_out_of_range", False),
        ],
    )
    def test_training_150_hours_and_15_to_25_percent(
        self, rules, pro_a_list, training, contract, code, ok
    ):
        """001 art. 4: « entre 15 % et 25 % de la durée totale … sans pouvoir être inférieure à
        150 heures »."""
        p = pro_a(training_hours=training, contract_hours=contract)
        assert (code not in codes(check_pro_a(rules, p))) is ok

    @pytest.mark.parametrize(
        ("dispositif", "publics", "ok"),
        [
            ("PRO_A_INTERIM", {"JOB_SEEKER_LONG_TERM"}, True),
            ("PRO_A_INTERIM", set(), False),
            ("PRO_A_PERMANENT", {"JOB_SEEKER_LONG_TERM"}, False),
        ],
    )
    def test_36_months_only_for_temp_workers_priority_publics(
        self, rules, pro_a_list, dispositif, publics, ok
    ):
        """001 art. 4: up to 36 months for priority publics; 000 art. 4: 6 to 12 months only."""
        employment = "CDII" if dispositif == "PRO_A_INTERIM" else "CDI"
        p = pro_a(
            dispositif,
            worker=worker(employment=employment, publics=publics),
            contract_end=dt.date(2029, 3, 1),
            contract_hours=D("4000"),
            training_hours=D("800"),
            certification="CLEA",
        )
        assert ("contract_duration_out_of_range" not in codes(check_pro_a(rules, p))) is ok


def test_rule_set_in_force_depends_on_the_start_date(rules):
    """001 art. 8: the Pro-A temp-worker accord is in force from 12 May 2021."""
    from cases.rules.in_force import rule_set_in_force

    assert rule_set_in_force("PRO_A_INTERIM", dt.date(2021, 5, 11)) is None
    assert rule_set_in_force("PRO_A_INTERIM", dt.date(2021, 5, 12)) is not None
    assert START.year == 2026
