"""The path each dispositif takes through the dossier states (DOMAIN.md §3).

The skeleton is the same for every dispositif; this table says which edges each one may use.
`cancel` (any non-final state → cancelled) and `amend` (refused → draft) are common to all.
"""

from cases.choices import FINAL_STATES, Dispositif, DossierState

S = DossierState

_FILED_WITH_AKTO = [  # CPI, CAI: optional pre-agreement, then deposit and decision
    (S.DRAFT, S.FUNDS_REQUESTED),
    (S.FUNDS_REQUESTED, S.FUNDS_RESERVED),
    (S.DRAFT, S.SUBMITTED),
    (S.FUNDS_RESERVED, S.SUBMITTED),
    (S.SUBMITTED, S.ACCEPTED),
    (S.SUBMITTED, S.REFUSED),
    (S.REFUSED, S.DRAFT),
    (S.ACCEPTED, S.IN_TRAINING),
]
_WITH_FOLLOW_UP = [
    (S.IN_TRAINING, S.MISSION_FOLLOW_UP),
    (S.MISSION_FOLLOW_UP, S.REIMBURSEMENT_REQUESTED),
    (S.REIMBURSEMENT_REQUESTED, S.CLOSED),
]
_PRO_A = [
    *_FILED_WITH_AKTO,
    (S.IN_TRAINING, S.REIMBURSEMENT_REQUESTED),
    (S.REIMBURSEMENT_REQUESTED, S.CLOSED),
]
_RESERVATION_IS_FILING = [  # CIPI, CDPI: the reservation request is their filing with AKTO
    (S.DRAFT, S.FUNDS_REQUESTED),
    (S.FUNDS_REQUESTED, S.FUNDS_RESERVED),
    (S.FUNDS_RESERVED, S.IN_TRAINING),
    *_WITH_FOLLOW_UP,
]
_CAR = [  # FPE.TT opinion first, then the request to AKTO
    (S.DRAFT, S.OPINION_REQUESTED),
    (S.OPINION_REQUESTED, S.OPINION_GIVEN),
    (S.OPINION_GIVEN, S.SUBMITTED),
    (S.SUBMITTED, S.ACCEPTED),
    (S.SUBMITTED, S.REFUSED),
    (S.REFUSED, S.DRAFT),
    (S.ACCEPTED, S.IN_TRAINING),
    *_WITH_FOLLOW_UP,
]

PATHS: dict[str, frozenset[tuple[str, str]]] = {
    Dispositif.CPI: frozenset(_FILED_WITH_AKTO + _WITH_FOLLOW_UP),
    Dispositif.CAI: frozenset(_FILED_WITH_AKTO + _WITH_FOLLOW_UP),
    Dispositif.PRO_A_INTERIM: frozenset(_PRO_A),
    Dispositif.PRO_A_PERMANENT: frozenset(_PRO_A),
    Dispositif.CIPI: frozenset(_RESERVATION_IS_FILING),
    Dispositif.CDPI: frozenset(_RESERVATION_IS_FILING),
    Dispositif.CAR: frozenset(_CAR),
}


def allows(dispositif: str, source: str, target: str) -> bool:
    """Whether `dispositif` may move from `source` to `target`."""
    if target == S.CANCELLED:
        return source not in FINAL_STATES
    return (source, target) in PATHS[dispositif]


def follows_path(target: str):
    """A django-fsm condition: the dossier's dispositif allows its current state → `target`."""

    def condition(dossier) -> bool:
        return allows(dossier.dispositif, dossier.state, target)

    condition.__name__ = f"follows_path_to_{target}"
    return condition
