"""Benchmark suite: the CPNE report and the Mission jeunes table beside their SQL floors.

The CPNE report covers the last complete year (``bench.today.year − 1``), every agency; the
Mission jeunes table the last complete half-year. Each floor asks the same questions in
hand-written SQL, one statement per table (the same cohort, the same aggregates), on the
connection the suite runs on. On PostgreSQL the floor runs with JIT off, as the report does
(``reports.services.report_queries``), so that both pay the same planner settings.

The floor reads the mission-obligation thresholds as the reference rule sets set them
(CIPI 70 h in the contract; CDPI and CAR one third of the training hours after it, the window
ending on the obligation deadline's due date; a straddling mission pro rata, as
``reports.obligations``) and, on
SQLite, ages with ``date(birth, '+N years')`` (it ignores the 29 February rule the report
applies): both change no timing, and the report's own tests pin the figures.
"""

from __future__ import annotations

from bench.harness import Bench, Figure, sql_floor_many, timed

SUITE = "reports"


def _dialect(vendor: str) -> dict[str, str]:
    if vendor == "postgresql":
        return {
            "month": "TO_CHAR(d.contract_start, 'YYYY-MM')",
            "delay": "(d.deposit_date - d.contract_start)",
            "plus_years": "(w.birth_date + INTERVAL '{n} years')",
            "seeker_plus_1": "(w.job_seeker_since + INTERVAL '1 year')",
            "after_start": "(COALESCE(d.training_ended_on, d.training_end) + 1)",
            "part": 'ROUND(m.hours * (LEAST(m."end", {end}) - GREATEST(m.start, {start}) + 1) '
            '/ (m."end" - m.start + 1), 2)',
        }
    return {
        "month": "SUBSTR(d.contract_start, 1, 7)",
        "delay": "(JULIANDAY(d.deposit_date) - JULIANDAY(d.contract_start))",
        "plus_years": "DATE(w.birth_date, '+{n} years')",
        "seeker_plus_1": "DATE(w.job_seeker_since, '+1 years')",
        "after_start": "DATE(COALESCE(d.training_ended_on, d.training_end), '+1 day')",
        "part": 'ROUND(CAST(m.hours AS REAL) * (JULIANDAY(MIN(m."end", {end})) '
        "- JULIANDAY(MAX(m.start, {start})) + 1) "
        '/ (JULIANDAY(m."end") - JULIANDAY(m.start) + 1) + 1e-9, 2)',
    }


COHORT = "d.contract_start >= %s AND d.contract_start <= %s"
PRO_A = "('PRO_A_INTERIM', 'PRO_A_PERMANENT')"


def cpne_floor(vendor: str, start, end, as_of) -> list[tuple[str, list]]:
    """The twelve CPNE tables, one hand-written statement each (two for the hours and funds)."""
    x = _dialect(vendor)
    span = [start, end]
    age = x["plus_years"]
    in_part = x["part"].format(start="d.contract_start", end="d.contract_end")
    after_part = x["part"].format(start=x["after_start"], end="dl.due")
    return [
        (  # dossiers by dispositif
            "SELECT d.dispositif, COUNT(*), "
            "COUNT(*) FILTER (WHERE d.state NOT IN ('closed', 'cancelled')), "
            "COUNT(*) FILTER (WHERE d.state = 'closed'), "
            "COUNT(*) FILTER (WHERE d.state = 'cancelled') "
            f"FROM cases_dossier d WHERE {COHORT} GROUP BY d.dispositif",
            span,
        ),
        (  # by state and dispositif
            f"SELECT d.state, d.dispositif, COUNT(*) FROM cases_dossier d WHERE {COHORT} "
            "GROUP BY d.state, d.dispositif",
            span,
        ),
        (  # by month and dispositif
            f"SELECT {x['month']}, d.dispositif, COUNT(*) FROM cases_dossier d WHERE {COHORT} "
            "GROUP BY 1, 2",
            span,
        ),
        (  # hours and the estimate at the rate in force on the contract start
            "SELECT d.dispositif, COUNT(*), SUM(d.planned_training_hours), "
            "SUM(d.planned_training_hours) FILTER (WHERE d.state IN "
            "('mission_follow_up', 'reimbursement_requested', 'closed')), "
            "SUM(d.planned_training_hours * r.hourly_rate), COUNT(*) FILTER (WHERE r.id IS NULL) "
            "FROM cases_dossier d LEFT JOIN accords_fundingrate r ON r.dispositif = d.dispositif "
            "AND r.programme = 'standard' AND r.valid_from <= d.contract_start "
            "AND (r.valid_to IS NULL OR r.valid_to >= d.contract_start) "
            f"WHERE {COHORT} AND d.state <> 'cancelled' GROUP BY d.dispositif",
            span,
        ),
        (  # funds reserved, claimed, paid
            "SELECT d.dispositif, SUM(f.amount) FILTER (WHERE f.kind = 'reserved'), "
            "SUM(f.amount) FILTER (WHERE f.kind = 'claimed'), "
            "SUM(f.amount) FILTER (WHERE f.kind = 'paid') "
            "FROM cases_fundingline f JOIN cases_dossier d ON d.id = f.dossier_id "
            f"WHERE {COHORT} GROUP BY d.dispositif",
            span,
        ),
        (  # deposits on time: the deposit deadline's status
            "SELECT d.dispositif, COUNT(*), COUNT(*) FILTER (WHERE dl.status = 'met'), "
            "COUNT(*) FILTER (WHERE dl.status = 'met_late'), "
            "COUNT(*) FILTER (WHERE dl.status = 'breached') "
            "FROM cases_dossier d JOIN cases_deadline dl ON dl.dossier_id = d.id "
            "AND dl.kind = 'akto_deposit' AND dl.status IN ('met', 'met_late', 'breached') "
            f"WHERE {COHORT} GROUP BY d.dispositif",
            span,
        ),
        (  # deposit delays
            f"SELECT COUNT(*) FILTER (WHERE {x['delay']} <= 0), "
            f"COUNT(*) FILTER (WHERE {x['delay']} BETWEEN 1 AND 5), "
            f"COUNT(*) FILTER (WHERE {x['delay']} BETWEEN 6 AND 10), "
            f"COUNT(*) FILTER (WHERE {x['delay']} BETWEEN 11 AND 30), "
            f"COUNT(*) FILTER (WHERE {x['delay']} > 30) "
            f"FROM cases_dossier d WHERE {COHORT} AND d.deposit_date IS NOT NULL",
            span,
        ),
        (  # mission obligations: hours inside each window (pro rata), then per dispositif
            "SELECT o.dispositif, COUNT(*), COUNT(*) FILTER (WHERE "
            "(o.dispositif = 'CIPI' AND ROUND(o.in_contract, 2) >= 70) OR "
            "(o.dispositif <> 'CIPI' AND ROUND(o.after_training * 3, 2) >= ROUND(o.hours, 2))) "
            "FROM (SELECT d.id, d.dispositif, d.planned_training_hours AS hours, "
            f"COALESCE(SUM({in_part}) FILTER (WHERE m.start <= d.contract_end "
            'AND m."end" >= d.contract_start), 0) AS in_contract, '
            f"COALESCE(SUM({after_part}) FILTER (WHERE m.start <= dl.due "
            'AND m."end" > d.training_end), 0) AS after_training '
            "FROM cases_dossier d JOIN cases_deadline dl ON dl.dossier_id = d.id "
            "AND dl.kind = 'mission_obligation' AND dl.due < %s "
            "LEFT JOIN cases_mission m ON m.dossier_id = d.id "
            f"WHERE {COHORT} AND d.dispositif IN ('CIPI', 'CDPI', 'CAR') "
            "AND d.state <> 'cancelled' GROUP BY d.id, d.dispositif, d.planned_training_hours"
            ") o GROUP BY o.dispositif",
            [as_of, *span],
        ),
        (  # publics: distinct people
            "SELECT COUNT(DISTINCT d.worker_id), "
            f"COUNT(DISTINCT d.worker_id) FILTER (WHERE {age.format(n=26)} > d.contract_start), "
            f"COUNT(DISTINCT d.worker_id) FILTER (WHERE {age.format(n=26)} <= d.contract_start "
            f"AND {age.format(n=45)} > d.contract_start), "
            f"COUNT(DISTINCT d.worker_id) FILTER (WHERE {age.format(n=45)} <= d.contract_start), "
            "COUNT(DISTINCT d.worker_id) FILTER (WHERE w.rsa), "
            "COUNT(DISTINCT d.worker_id) FILTER (WHERE w.ass), "
            "COUNT(DISTINCT d.worker_id) FILTER (WHERE w.aah), "
            "COUNT(DISTINCT d.worker_id) FILTER (WHERE w.disability), "
            f"COUNT(DISTINCT d.worker_id) FILTER (WHERE {x['seeker_plus_1']} < d.contract_start), "
            "COUNT(DISTINCT d.worker_id) FILTER (WHERE w.mission_locale), "
            "COUNT(DISTINCT d.worker_id) FILTER (WHERE w.at_mp) "
            "FROM cases_dossier d JOIN cases_worker w ON w.id = d.worker_id "
            f"WHERE {COHORT} AND d.state <> 'cancelled'",
            span,
        ),
        (  # the ten most frequent certifications, with their title
            "SELECT d.certification_code, c.title, COUNT(*) FROM cases_dossier d "
            "LEFT JOIN accords_certification c ON c.code = d.certification_code "
            f"WHERE {COHORT} AND d.certification_code <> '' "
            "GROUP BY d.certification_code, c.title ORDER BY 3 DESC, 1 LIMIT 10",
            span,
        ),
        (  # by sector of the Pro-A list (the entry of lowest order)
            "SELECT COALESCE(s.sector, 'Hors liste Pro-A'), COUNT(*) FROM cases_dossier d "
            "LEFT JOIN (SELECT c.code, e.sector FROM accords_certificationlistentry e "
            "JOIN accords_certification c ON c.id = e.certification_id "
            'WHERE e."order" = (SELECT MIN(e2."order") FROM accords_certificationlistentry e2 '
            "WHERE e2.certification_id = e.certification_id)) s ON s.code = d.certification_code "
            f"WHERE {COHORT} AND d.certification_code <> '' GROUP BY 1",
            span,
        ),
        (  # by level
            "SELECT c.level, COUNT(*) FROM cases_dossier d "
            "LEFT JOIN accords_certification c ON c.code = d.certification_code "
            f"WHERE {COHORT} AND d.certification_code <> '' GROUP BY c.level",
            span,
        ),
        (  # Pro-A forfait review: hours and the amount claimed
            "SELECT d.dispositif, COUNT(*), SUM(d.planned_training_hours), "
            "(SELECT SUM(f.amount) FROM cases_fundingline f JOIN cases_dossier d2 "
            "ON d2.id = f.dossier_id WHERE f.kind = 'claimed' AND d2.dispositif = d.dispositif "
            "AND d2.contract_start >= %s AND d2.contract_start <= %s AND d2.state <> 'cancelled') "
            f"FROM cases_dossier d WHERE {COHORT} AND d.dispositif IN {PRO_A} "
            "AND d.state <> 'cancelled' GROUP BY d.dispositif",
            [*span, *span],
        ),
    ]


def mission_jeunes_floor(vendor: str, start, end) -> list[tuple[str, list]]:
    x = _dialect(vendor)
    age = x["plus_years"]
    young_on = f"{age.format(n=16)} <= {{on}} AND {age.format(n=26)} > {{on}}"  # 16 ≤ age ≤ 25
    return [
        (
            "SELECT a.region, COUNT(DISTINCT m.worker_id), COUNT(*), SUM(m.hours) "
            "FROM cases_mission m JOIN cases_worker w ON w.id = m.worker_id "
            "JOIN cases_agency a ON a.id = w.agency_id "
            "WHERE w.mission_locale AND m.start >= %s AND m.start <= %s "
            f"AND {young_on.format(on='m.start')} GROUP BY a.region",
            [start, end],
        ),
        (
            "SELECT a.region, COUNT(DISTINCT d.worker_id) FILTER (WHERE d.dispositif = 'CIPI'), "
            "COUNT(DISTINCT d.worker_id) FILTER (WHERE d.dispositif = 'CDPI') "
            "FROM cases_dossier d JOIN cases_worker w ON w.id = d.worker_id "
            "JOIN cases_agency a ON a.id = d.agency_id "
            f"WHERE w.mission_locale AND {COHORT} AND d.dispositif IN ('CIPI', 'CDPI') "
            f"AND d.state <> 'cancelled' AND {young_on.format(on='d.contract_start')} "
            "GROUP BY a.region",
            [start, end],
        ),
    ]


def _session(vendor: str, statements: list[tuple[str, list]]) -> list[tuple[str, list]]:
    if vendor == "postgresql":
        return [("SET jit = off", []), *statements, ("RESET jit", [])]
    return statements


def run(bench: Bench) -> list[Figure]:
    from reports import exports, pdf, periods, services
    from reports.scope import Scope

    figures: list[Figure] = []
    runs = bench.runs
    period = periods.year(bench.today.year - 1)
    cpne = timed(
        lambda: services.cpne_report(period, Scope(), as_of=bench.today), runs=runs, warmup=1
    )
    floor = sql_floor_many(
        _session(bench.vendor, cpne_floor(bench.vendor, period.start, period.end, bench.today)),
        runs=runs,
    )
    cohort = cpne.result["tables"][0]["totals"]["total"]
    figures.append(
        Figure(
            SUITE,
            f"CPNE report {period.code}, all agencies (12 tables, JSON)",
            cpne.median_ms,
            cpne.queries,
            floor.median_ms,
            target_ratio=2,
            note=f"{cohort} dossiers in the cohort; floor: 13 SQL statements",
        )
    )
    report = cpne.result
    xlsx = timed(lambda: exports.workbook_bytes(report), runs=runs)
    figures.append(Figure(SUITE, "  + XLSX workbook", xlsx.median_ms, xlsx.queries))
    document = timed(lambda: pdf.report_pdf(report), runs=runs)
    figures.append(Figure(SUITE, "  + PDF with its charts", document.median_ms, document.queries))

    semester = periods.previous_half(bench.today)
    mj = timed(lambda: services.mission_jeunes_report(semester, Scope()), runs=runs)
    mj_floor = sql_floor_many(
        _session(bench.vendor, mission_jeunes_floor(bench.vendor, semester.start, semester.end)),
        runs=runs,
    )
    young = mj.result["tables"][0]["totals"]["young"]
    figures.append(
        Figure(
            SUITE,
            f"Mission jeunes {semester.code}, all agencies",
            mj.median_ms,
            mj.queries,
            mj_floor.median_ms,
            target_ratio=2,
            note=f"{young} young people; floor: 2 SQL statements",
        )
    )
    return figures
