"""NIR masking and the log of sensitive reads (DOMAIN.md §5).

Who sees what is decided in cases.permissions (`may_see_nir`, `may_see_health_data`); this
module shows a NIR the way the reader may see it and records each read of a full NIR or of
health data in `SensitiveDataAccess`.
"""

from collections.abc import Iterable

from cases.models import SensitiveDataAccess, Worker
from cases.permissions import may_see_health_data, may_see_nir
from cases.validators import mask_nir

__all__ = ["has_health_data", "mask_nir", "nir_for", "sensitive_read_log"]


def nir_for(user, worker: Worker) -> str:
    return worker.nir if may_see_nir(user) else mask_nir(worker.nir)


def has_health_data(worker: Worker) -> bool:
    return bool(worker.at_mp or worker.at_mp_date or worker.fitness_status)


def sensitive_read_log(
    *, user, workers: Iterable[Worker], channel: str, where: str, nir: bool, health: bool
) -> int:
    """Record that `user` was shown the full NIR and/or the health data of `workers`.

    Only workers that actually hold what was shown are logged: a blank NIR or an empty
    health section reveals nothing. One insert for the whole page.
    """
    nir = nir and may_see_nir(user)
    health = health and may_see_health_data(user)
    rows = []
    for worker in workers:
        saw_nir = nir and bool(worker.nir)
        saw_health = health and has_health_data(worker)
        if saw_nir or saw_health:
            rows.append(
                SensitiveDataAccess(
                    user=user if user.is_authenticated else None,
                    username=user.get_username() if user.is_authenticated else "",
                    worker=worker,
                    nir=saw_nir,
                    health=saw_health,
                    channel=channel,
                    where=where[:255],
                )
            )
    SensitiveDataAccess.objects.bulk_create(rows)
    return len(rows)
