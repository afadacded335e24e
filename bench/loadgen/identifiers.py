"""Valid French identifiers for synthetic data: SIRET (Luhn) and NIR (key mod 97)."""

from stdnum import luhn


def siret_for(n: int) -> str:
    """A valid SIRET built from `n` (below 10⁸): SIREN with its Luhn digit, then an NIC."""
    base = f"{n:08d}"
    siren = base + luhn.calc_check_digit(base)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def nir_for(sex: int, birth_year: int, birth_month: int, departement: str, serial: int) -> str:
    """A valid NIR: sex, birth year and month, département, commune and order, key."""
    commune, order = serial % 1000, (serial // 1000) % 999 + 1
    body = f"{sex}{birth_year % 100:02d}{birth_month:02d}{departement}{commune:03d}{order:03d}"
    return body + f"{97 - int(body) % 97:02d}"
