"""Demo data for a development machine: agencies, users, workers and dossiers in every state.

Workers, client companies, training providers, dossiers, their documents and missions are
written by the real services, and dossiers are walked through their steps one by one, so that
their history, dates and documents are what the product itself would have recorded.

Demo-only direct writes, marked « DEMO ONLY » below: agencies and accounts (administrators
create them in the admin; there is no service for them) and the back-dating of one dossier's
plan (a state the product never writes, to show a deposit due tomorrow).
"""

import datetime as dt
import json
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cases import services
from cases.choices import (
    AgencyKind,
    CancellationReason,
    DeadlineKind,
    DeadlineStatus,
    Dispositif,
    DocumentKind,
    DocumentStatus,
    Employment,
    FitnessStatus,
    Role,
)
from cases.models import (
    Agency,
    ClientCompany,
    DocumentRequirement,
    Dossier,
    TrainingProvider,
    User,
    Worker,
)
from cases.refresh import dossier_refresh
from cases.services import dossier_run_transition
from cases.waivers import deadline_waive
from cases.workflow.checks import blocking_findings
from cases.workflow.steps import STEPS

AGENCIES = [
    # name, SIRET, kind, company, region, département
    (
        "Alpha Intérim Lyon Part-Dieu",
        "73282932000074",
        AgencyKind.ETT,
        "Groupe Alpha Intérim",
        "Auvergne-Rhône-Alpes",
        "69",
    ),
    (
        "Alpha Intérim Strasbourg",
        "35600000000048",
        AgencyKind.ETT,
        "Groupe Alpha Intérim",
        "Grand Est",
        "67",
    ),
    (
        "Tremplin Insertion Lille",
        "55208131766522",
        AgencyKind.ETTI,
        "Tremplin ETTI",
        "Hauts-de-France",
        "59",
    ),
]
CLIENT_COMPANIES = [
    ("Logistique du Rhône", "44306184100047", "Vénissieux"),
    ("Mécanique de l'Est", "40483304800022", "Illkirch"),
    ("Bâtiments du Nord", "38012986646850", "Roubaix"),
    ("Agroalimentaire Saveurs", "51202432400018", "Villefranche-sur-Saône"),
]
TRAINING_PROVIDERS = [
    ("AFPA Lyon", "82425601000011", "84691234569", "Lyon"),
    ("Greta Alsace", "19670000900018", "42670123467", "Strasbourg"),
    ("CFA Métiers du Nord", "77567227222417", "31590123459", "Lille"),
]
FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Inès",
    "Nathan",
    "Manon",
    "Yanis",
    "Sarah",
    "Karim",
    "Julie",
    "Mehdi",
    "Emma",
    "Thomas",
    "Aïcha",
    "Kevin",
    "Laura",
    "Samir",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Faure",
    "Mercier",
]

# The steps that lead each dispositif from draft to closure (DOMAIN.md §3).
MAIN_PATH = {
    Dispositif.CPI: [
        "submit",
        "accept",
        "start_training",
        "start_follow_up",
        "request_reimbursement",
        "close",
    ],
    Dispositif.CAI: [
        "submit",
        "accept",
        "start_training",
        "start_follow_up",
        "request_reimbursement",
        "close",
    ],
    Dispositif.CIPI: [
        "request_funds",
        "reserve_funds",
        "start_training",
        "start_follow_up",
        "request_reimbursement",
        "close",
    ],
    Dispositif.CDPI: [
        "request_funds",
        "reserve_funds",
        "start_training",
        "start_follow_up",
        "request_reimbursement",
        "close",
    ],
    Dispositif.CAR: [
        "request_opinion",
        "give_opinion",
        "submit",
        "accept",
        "start_training",
        "start_follow_up",
        "request_reimbursement",
        "close",
    ],
    Dispositif.PRO_A_INTERIM: [
        "submit",
        "accept",
        "start_training",
        "request_reimbursement",
        "close",
    ],
    Dispositif.PRO_A_PERMANENT: [
        "submit",
        "accept",
        "start_training",
        "request_reimbursement",
        "close",
    ],
}
# Variants off the main path: (dispositif, steps).
VARIANTS = [
    (Dispositif.CPI, ["request_funds"]),
    (Dispositif.CPI, ["request_funds", "reserve_funds"]),
    (Dispositif.CPI, ["request_funds", "reserve_funds", "submit"]),
    (Dispositif.CPI, ["submit", "refuse"]),
    (Dispositif.CPI, ["submit", "refuse", "amend"]),
    (Dispositif.CAR, ["request_opinion", "give_opinion", "submit", "refuse"]),
    (Dispositif.CAI, ["request_funds"]),
    (Dispositif.CIPI, ["cancel"]),
    (Dispositif.CPI, ["submit", "accept", "start_training", "cancel"]),
    (Dispositif.CDPI, ["request_funds", "cancel"]),
]


@dataclass(frozen=True)
class PlanTemplate:
    """A plan the dispositif's rules accept (durations, hours, certification)."""

    contract_days: int
    training_days: int
    training_hours: Decimal
    contract_hours: Decimal | None
    certification: tuple[str, str]


PLANS = {
    Dispositif.CPI: PlanTemplate(
        364, 350, Decimal("400"), None, ("RNCP38413", "Préparateur de commandes en entrepôt")
    ),
    Dispositif.CAI: PlanTemplate(
        729, 700, Decimal("950"), None, ("RNCP37201", "CAP Maintenance des véhicules")
    ),
    Dispositif.CIPI: PlanTemplate(90, 45, Decimal("150"), Decimal("300"), ("", "")),
    Dispositif.CDPI: PlanTemplate(
        300, 120, Decimal("400"), None, ("RNCP35853", "Conducteur de chariots automoteurs")
    ),
    Dispositif.CAR: PlanTemplate(
        364, 240, Decimal("600"), None, ("RNCP34855", "Agent d'accueil et d'information")
    ),
    Dispositif.PRO_A_INTERIM: PlanTemplate(
        364, 350, Decimal("400"), None, ("CLEA", "Certificat CléA")
    ),
    Dispositif.PRO_A_PERMANENT: PlanTemplate(
        364, 350, Decimal("400"), None, ("CLEA_NUMERIQUE", "Certificat CléA numérique")
    ),
}

DEMO_MARKER_SIRET = AGENCIES[0][1]


def demo_users_file(var_dir: Path) -> Path:
    return var_dir / "demo-users.json"


def seed(var_dir: Path, today: dt.date | None = None) -> list[dict]:
    """Create the demo data once; return the demo accounts (also written to var/)."""
    today = today or timezone.localdate()
    accounts_file = demo_users_file(var_dir)
    if Agency.objects.filter(siret=DEMO_MARKER_SIRET).exists() and accounts_file.exists():
        return json.loads(accounts_file.read_text(encoding="utf-8"))
    with transaction.atomic():
        accounts = _seed(today)
    var_dir.mkdir(parents=True, exist_ok=True)
    accounts_file.write_text(json.dumps(accounts, ensure_ascii=False, indent=2), encoding="utf-8")
    accounts_file.chmod(0o600)
    return accounts


def _seed(today: dt.date) -> list[dict]:
    rng = random.Random(2026)
    # DEMO ONLY: agencies and accounts are written directly (no service creates them).
    agencies = [
        Agency.objects.update_or_create(
            siret=siret,
            defaults={
                "name": name,
                "kind": kind,
                "company_name": company,
                "region": region,
                "departement": dep,
            },
        )[0]
        for name, siret, kind, company, region, dep in AGENCIES
    ]
    accounts = _users(agencies)
    if Dossier.objects.filter(agency__in=agencies).exists():
        return accounts  # the data is there; only the accounts file was missing
    admin = User.objects.get(username="admin")
    companies = [
        ClientCompany.objects.filter(siret=s).first()
        or services.client_company_create(by=admin, data={"name": n, "siret": s, "city": c})
        for n, s, c in CLIENT_COMPANIES
    ]
    providers = [
        TrainingProvider.objects.filter(siret=s).first()
        or services.training_provider_create(
            by=admin, data={"name": n, "siret": s, "nda_number": nda, "city": c}
        )
        for n, s, nda, c in TRAINING_PROVIDERS
    ]
    managers = {a.pk: User.objects.get(username=_username("am", a)) for a in agencies}
    workers = _workers(rng, agencies, today, managers)
    plans = [(d, MAIN_PATH[d][:n]) for d in MAIN_PATH for n in range(len(MAIN_PATH[d]) + 1)]
    plans += VARIANTS
    for index, (dispositif, steps) in enumerate(plans):
        worker = workers[dispositif][index % len(workers[dispositif])]
        dossier = _dossier(
            rng, dispositif, steps, worker, companies, providers, today, index, managers
        )
        for step in steps:
            if step == "close":
                _settle_obligations(dossier, managers[dossier.agency_id])
            dossier_run_transition(
                dossier_id=dossier.pk,
                name=step,
                by=managers[dossier.agency_id],
                data=_step_data(step, dossier, today),
            )
            dossier.refresh_from_db()
        dossier_refresh(dossier)  # deadlines of dossiers that took no step yet
    # A CPI that started four days ago and is still not deposited: the deposit is due tomorrow.
    late = _dossier(
        rng,
        Dispositif.CPI,
        [],
        workers[Dispositif.CPI][0],
        companies,
        providers,
        today,
        0,
        managers,
    )
    late_start = today - dt.timedelta(days=4)
    Dossier.objects.filter(pk=late.pk).update(  # DEMO ONLY: back-dated, no event
        contract_start=late_start,
        training_start=late_start,
        contract_end=late_start + dt.timedelta(days=PLANS[Dispositif.CPI].contract_days),
        training_end=late_start + dt.timedelta(days=PLANS[Dispositif.CPI].training_days),
    )
    late.refresh_from_db()
    dossier_refresh(late)
    return accounts


def _username(prefix: str, agency: Agency) -> str:
    return f"{prefix}.{agency.name.split()[-1].lower().replace('-', '')}"


def _users(agencies: list[Agency]) -> list[dict]:
    specs = []
    for agency in agencies:
        specs.append((_username("cc", agency), Role.CASE_WORKER, [agency], "Camille", agency.name))
        specs.append((_username("am", agency), Role.AGENCY_MANAGER, [agency], "Alex", agency.name))
    alpha = [a for a in agencies if a.company_name == "Groupe Alpha Intérim"]
    specs += [
        ("rf.alpha", Role.TRAINING_MANAGER, alpha, "Dominique", "Alpha (formation)"),
        ("conseil.fpett", Role.FPETT_ADVISOR, [], "Claude", "FPE.TT"),
        ("rapport.cpne", Role.CPNE_REPORTER, [], "Sacha", "CPNE"),
        ("admin", Role.ADMINISTRATOR, [], "Morgan", "Administration"),
    ]
    accounts = []
    for username, role, user_agencies, first_name, last_name in specs:
        password = secrets.token_urlsafe(12)
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first_name,
                "last_name": last_name,
                "is_staff": True,
                "is_superuser": role == Role.ADMINISTRATOR,
                "email": f"{username}@demo.invalid",
            },
        )
        user.set_password(password)
        user.save()
        user.agencies.set(user_agencies)
        accounts.append(
            {
                "username": username,
                "password": password,
                "role": role.value,
                "agencies": [a.siret for a in user_agencies],
            }
        )
    return accounts


def _nir(rng: random.Random, birth: dt.date, sex: int) -> str:
    body = f"{sex}{birth:%y}{birth:%m}{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    return f"{body}{97 - int(body) % 97:02d}"


def _workers(rng, agencies, today, managers) -> dict[str, list[Worker]]:
    """About forty workers, each with a situation that fits the dispositifs they are used for."""
    profiles = {
        Dispositif.CPI: (10, 20, Employment.CTT, {"job_seeker": True}),
        Dispositif.CAI: (5, 19, Employment.CTT, {}),
        Dispositif.CIPI: (5, 38, Employment.CTT, {"rsa": True}),
        Dispositif.CDPI: (6, 34, Employment.CTT, {"career_change": True}),
        Dispositif.CAR: (5, 45, Employment.CTT, {"at_mp": True}),
        Dispositif.PRO_A_INTERIM: (5, 30, Employment.CDII, {}),
        Dispositif.PRO_A_PERMANENT: (4, 41, Employment.CDI, {}),
    }
    result: dict[str, list[Worker]] = {}
    for dispositif, (count, age, employment, flags) in profiles.items():
        result[dispositif] = []
        for i in range(count):
            agency = agencies[2] if dispositif == Dispositif.CIPI else agencies[i % 2]
            birth = today.replace(year=today.year - age - rng.randint(0, 3)) - dt.timedelta(
                days=rng.randint(30, 300)
            )
            if dispositif in (Dispositif.CPI, Dispositif.CAI):
                birth = today.replace(year=today.year - 19 - rng.randint(0, 3)) - dt.timedelta(
                    days=rng.randint(30, 300)
                )
            sex = rng.choice([1, 2])
            data = dict(
                agency=agency,
                last_name=rng.choice(LAST_NAMES),
                first_name=rng.choice(FIRST_NAMES),
                birth_date=birth,
                nir=_nir(rng, birth, sex) if i % 2 == 0 else "",
                employment=employment,
                highest_level=rng.choice([0, 3, 4]),
                job_seeker_since=today - dt.timedelta(days=200)
                if flags.get("job_seeker")
                else None,
                rsa=flags.get("rsa", False),
                career_change=flags.get("career_change", False),
                mission_locale=dispositif in (Dispositif.CPI, Dispositif.CAI) and i % 2 == 0,
                at_mp=flags.get("at_mp", False),
                at_mp_date=today - dt.timedelta(days=400) if flags.get("at_mp") else None,
                fitness_status=FitnessStatus.UNFIT_FORMER_JOB if flags.get("at_mp") else "",
                other_agencies_branch_hours=Decimal(rng.choice([0, 80, 200])),
            )
            worker = services.worker_create(by=managers[agency.pk], data=data)
            result[dispositif].append(worker)
    return result


def _anchor_start(steps: list[str], plan: PlanTemplate, today: dt.date) -> dt.date:
    """A contract start that makes the dossier's dates coherent with how far it has gone."""
    last = steps[-1] if steps else None
    if "close" in steps or (last == "cancel" and "start_training" in steps):
        return today - dt.timedelta(days=plan.contract_days + 120)
    if last == "request_reimbursement":
        return today - dt.timedelta(days=plan.contract_days + 15)
    if last == "start_follow_up":
        return today - dt.timedelta(days=plan.training_days + 20)
    if last == "start_training":
        return today - dt.timedelta(days=min(45, plan.training_days // 2))
    if last in ("accept", "refuse", "amend"):
        return today - dt.timedelta(days=4)
    if last == "submit":
        return today - dt.timedelta(days=1)
    return today + dt.timedelta(days=20)


def _dossier(
    rng, dispositif, steps, worker, companies, providers, today, index, managers
) -> Dossier:
    plan = PLANS[dispositif]
    start = _anchor_start(steps, plan, today)
    if dispositif == Dispositif.CAR and steps[-1:] in (["submit"], ["refuse"], ["accept"]):
        start = today + dt.timedelta(days=3)  # a CAR is filed before its training starts
    code, title = plan.certification
    manager = managers[worker.agency_id]
    dossier = services.dossier_create(
        by=manager,
        data={
            "dispositif": dispositif,
            "agency": worker.agency,
            "worker": worker,
            "case_worker": User.objects.get(username=_username("cc", worker.agency)),
            "certification_code": code,
            "certification_title": title,
            "training_provider": providers[index % len(providers)],
            "client_companies": [companies[index % len(companies)]],
            "contract_start": start,
            "contract_end": start + dt.timedelta(days=plan.contract_days),
            "training_start": start,
            "training_end": start + dt.timedelta(days=plan.training_days),
            "planned_training_hours": plan.training_hours,
            "planned_contract_hours": plan.contract_hours,
            "agency_tutor": "Nadia Bensaïd",
            "eu_tutor": "Pierre Weber",
        },
    )
    kinds = set(
        DocumentRequirement.objects.filter(dispositif=dispositif).values_list("kind", flat=True)
    )
    for kind in sorted(kinds - {DocumentKind.AFEST_PROTOCOL}):
        services.document_upload(  # received on paper: no file in the demo
            dossier_id=dossier.pk,
            kind=kind,
            status=DocumentStatus.RECEIVED,
            received_on=min(today, start - dt.timedelta(days=5)),
            by=manager,
        )
    if "start_training" in steps:
        _missions(rng, dossier, companies, today, manager)
    return dossier


def _missions(rng, dossier: Dossier, companies, today, manager) -> None:
    day = dossier.contract_start + dt.timedelta(days=7)
    last = min(today, dossier.contract_end)
    while day + dt.timedelta(days=13) <= last:
        services.mission_create(
            by=manager,
            data={
                "worker": dossier.worker,
                "dossier": dossier,
                "client_company": rng.choice(companies),
                "start": day,
                "end": day + dt.timedelta(days=13),
                "hours": Decimal(rng.choice([35, 70])),
            },
        )
        day += dt.timedelta(days=28)


def _settle_obligations(dossier: Dossier, manager) -> None:
    """Before closing: a mission obligation the demo missions left unmet is waived by the
    agency manager, with a reason (the only way past it)."""
    codes = {guard.code for guard in STEPS["close"].guards}
    unsettled = [f for f in blocking_findings(dossier, "close") if f.code in codes]
    deadline = dossier.deadlines.filter(
        kind=DeadlineKind.MISSION_OBLIGATION,
        status__in=(DeadlineStatus.OPEN, DeadlineStatus.BREACHED),
    ).first()
    if unsettled and deadline:
        deadline_waive(
            deadline_id=deadline.pk,
            by=manager,
            reason="Missions proposées refusées pour raison de santé (certificat reçu).",
        )


def _step_data(step: str, dossier: Dossier, today: dt.date) -> dict:
    start = dossier.contract_start

    def past(day: dt.date) -> dt.date:
        return min(day, today)

    requested = past(start - dt.timedelta(days=20))
    deposit = past(
        start - dt.timedelta(days=1)
        if dossier.dispositif == Dispositif.CAR
        else start + dt.timedelta(days=2)
    )
    return {
        "request_funds": {"funds_requested_on": requested},
        "reserve_funds": {
            "reserved_amount": (dossier.planned_training_hours * Decimal("14")).quantize(
                Decimal("0.01")
            ),
            "funds_reference": f"RES-{dossier.pk:05d}",
            "funds_reserved_on": max(requested, past(start - dt.timedelta(days=10))),
        },
        "give_opinion": {"opinion_date": past(start - dt.timedelta(days=15))},
        "submit": {"deposit_date": deposit, "akto_reference": f"AKTO-{today:%Y}-{dossier.pk:05d}"},
        "accept": {"akto_decision_date": past(deposit + dt.timedelta(days=8))},
        "refuse": {
            "akto_decision_date": past(deposit + dt.timedelta(days=8)),
            "comment": "Programme de formation incomplet.",
        },
        "start_training": {"training_started_on": past(dossier.training_start or start)},
        "start_follow_up": {"training_ended_on": past(dossier.training_end)},
        "request_reimbursement": {
            # Pro-A records its actual training end here (no follow-up step).
            "training_ended_on": past(dossier.training_end),
            "reimbursement_requested_on": past(dossier.contract_end + dt.timedelta(days=5)),
            "claimed_hours": dossier.planned_training_hours,
            "claimed_amount": dossier.reserved_amount or Decimal("1000.00"),
        },
        "cancel": {
            "cancellation_reason": CancellationReason.ABANDONMENT,
            "comment": "Le salarié a quitté le parcours.",
        },
    }.get(step, {})
