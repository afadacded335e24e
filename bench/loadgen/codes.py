"""The dispositif and state codes as plain strings: enum attribute lookups are slow in hot loops."""

from types import SimpleNamespace

from cases.choices import Dispositif, DossierState

D = SimpleNamespace(**{member.name: str(member.value) for member in Dispositif})
S = SimpleNamespace(**{member.name: str(member.value) for member in DossierState})
