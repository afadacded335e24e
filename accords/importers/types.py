"""What the readers return: plain dataclasses the store turns into rows."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date


class ImportParseError(ValueError):
    """A text the readers cannot make sense of; says where they gave up, in French."""

    def __init__(self, message: str, *, line: int):
        self.line = line
        self.reason = message
        super().__init__(f"ligne {line} : {message}")


@dataclass(frozen=True)
class ParsedArticle:
    number: str
    title: str
    text: str


@dataclass(frozen=True)
class ParsedListEntry:
    sector: str
    sub_sector: str
    job: str
    title: str
    rncp_code: str
    level: int | None
    excluded_from_extension: bool


@dataclass
class ParsedAccord:
    kind: str
    title: str
    signature_date: date | None
    idcc: str = ""
    nor: str = ""
    brochure: str = ""
    extension_order_date: date | None = None
    jorf_date: date | None = None
    in_force_from: date | None = None
    employer_signatories: list[str] = field(default_factory=list)
    union_signatories: list[str] = field(default_factory=list)
    articles: list[ParsedArticle] = field(default_factory=list)
    certification_entries: list[ParsedListEntry] = field(default_factory=list)
    source_text: str = ""
    first_line: int = 1

    @property
    def fingerprint(self) -> str:
        """Hash the text with whitespace collapsed, so a re-import finds the same accord."""
        normalised = re.sub(r"\s+", " ", self.source_text).strip()
        return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
