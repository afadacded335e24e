"""A finding: what a check says about a dossier or a plan (DOMAIN.md §7)."""

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    source: str
    field: str | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict:
        return asdict(self)
