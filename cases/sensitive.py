"""NIR masking and the log of sensitive reads (DOMAIN.md §5).

Who sees what is decided in cases.permissions (`may_see_nir`, `may_see_health_data`); this
module shows a NIR the way the reader may see it and records each read of a full NIR or of
health data in `SensitiveDataAccess`.
"""

from collections.abc import Iterable

from cases.models import SensitiveDataAccess, Worker
from cases.permissions import may_see_health_data, may_see_nir


def mask_nir(value: str) -> str:
    """`185057800608491` → `1 85 05 ** *** *** 91`: sex, birth year and month, key.

    What stays is what a person's age band and the key check need; the birth place and the
    order number, which single a person out, are hidden. Anything that is not a 15-character
    NIR is hidden whole.
    """
    value = (value or "").replace(" ", "")
    if not value:
        return ""
    if len(value) != 15:
        return "*" * len(value)
    return f"{value[0]} {value[1:3]} {value[3:5]} ** *** *** {value[13:]}"


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
