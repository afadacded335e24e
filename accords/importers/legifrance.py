"""Reader of the Légifrance web format (one text per file).

Layout: the title on the first line ("Accord du 22 janvier 2021 relatif à…"), an extension
line ("Etendu par arrêté du … JORF …"), a "Signataires" block, then bulleted articles
("• Article 3.1", a status line "En vigueur étendu", the article title, its text). The
unnumbered bullet articles are the preamble and the annex.
"""

import re
from datetime import timedelta

from accords.importers.annex import parse_certification_table
from accords.importers.bocc import KIND_NAMES, kind_of
from accords.importers.cleaning import normalise_line, tidy
from accords.importers.dates import DATE_PATTERN, parse_french_date
from accords.importers.types import ImportParseError, ParsedAccord, ParsedArticle

EXTENSION = re.compile(
    rf"^\s*[EÉ]tendue?\s+par\s+arrêté\s+du\s+(?P<order>{DATE_PATTERN})\s+JORF\s+(?P<jorf>{DATE_PATTERN})",
    re.IGNORECASE,
)
BULLET_ARTICLE = re.compile(
    r"^\s*•\s*Article(?:\s+(?P<number>1er|\d+(?:\.\d+)*(?:\s(?:bis|ter))?|[IVXLC]+))?\s*$"
)
STATUS_LINE = re.compile(r"^\s*(En vigueur|Abrogé|Non en vigueur|Modifié)\b.*$")
IDCC_VALUE = re.compile(r"^\s*IDCC\s*:?\s*(?P<idcc>\d{1,4})\s*$")
EMPLOYERS = re.compile(r"^\s*•\s*Organisations d'employeurs\s*:")
UNIONS = re.compile(r"^\s*•\s*Organisations syndicales[^:]*:")
# The article that says the text starts the day after its extension order is published.
IN_FORCE_NEXT_DAY = re.compile(
    r"entre en vigueur le lendemain du jour de (?:la )?(?:sa )?parution au Journal officiel",
    re.IGNORECASE,
)


HEADING_START = re.compile(
    rf"^\s*(?P<kind>{KIND_NAMES})\b.*?\bdu\s+(?P<date>{DATE_PATTERN})", re.IGNORECASE
)


def looks_like_legifrance(lines: list[str]) -> bool:
    first = next((line for line in lines if line.strip()), "")
    return bool(HEADING_START.match(first)) and any(BULLET_ARTICLE.match(line) for line in lines)


def parse_legifrance(text: str) -> list[ParsedAccord]:
    lines = [normalise_line(line) for line in text.split("\n")]
    title_index = next((i for i, line in enumerate(lines) if line.strip()), 0)
    heading = HEADING_START.match(lines[title_index])
    if heading is None:
        raise ImportParseError(
            "titre illisible : la première ligne doit commencer par « Accord du … » "
            "(ou avenant, protocole…).",
            line=title_index + 1,
        )
    articles, entries = _articles(lines)
    accord = ParsedAccord(
        kind=kind_of(heading.group("kind")),
        title=" ".join(lines[title_index].split()),
        signature_date=parse_french_date(heading.group("date")),
        idcc=_idcc(lines),
        employer_signatories=_names_after(lines, EMPLOYERS),
        union_signatories=_names_after(lines, UNIONS),
        articles=articles,
        certification_entries=entries,
        source_text=tidy("\n".join(lines)),
        first_line=title_index + 1,
    )
    _read_extension(accord, lines)
    return [accord]


def _read_extension(accord: ParsedAccord, lines: list[str]) -> None:
    """Extension order and JORF dates; in force the day after the JORF when the text says so."""
    for line in lines[:10]:
        match = EXTENSION.match(line)
        if match:
            accord.extension_order_date = parse_french_date(match.group("order"))
            accord.jorf_date = parse_french_date(match.group("jorf"))
            break
    if accord.jorf_date and IN_FORCE_NEXT_DAY.search(" ".join(accord.source_text.split())):
        accord.in_force_from = accord.jorf_date + timedelta(days=1)


def _idcc(lines: list[str]) -> str:
    """The IDCC under its label: on the same line or the next; the page may leave it empty."""
    for index, line in enumerate(lines[:20]):
        match = IDCC_VALUE.match(line)
        if match:
            return match.group("idcc")
        if line.strip() == "IDCC" and index + 1 < len(lines):
            following = lines[index + 1].strip()
            if following.isdigit():
                return following
    return ""


def _names_after(lines: list[str], label: re.Pattern) -> list[str]:
    for index, line in enumerate(lines[:40]):
        if label.match(line) and index + 1 < len(lines):
            names = re.split(r"\s*;\s*", lines[index + 1].strip())
            return [name.strip(" ,.") for name in names if name.strip(" ,.")]
    return []


def _articles(lines: list[str]) -> tuple[list[ParsedArticle], list]:
    starts = [index for index, line in enumerate(lines) if BULLET_ARTICLE.match(line)]
    if not starts:
        raise ImportParseError("aucun article « • Article … » trouvé.", line=len(lines))
    articles, entries = [], []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        number = BULLET_ARTICLE.match(lines[start]).group("number")
        content = _without_status(lines[start + 1 : end])
        article = _article(number, content)
        if article.number == "Annexe":
            entries = parse_certification_table(lines[start + 1 : end], first_line=start + 2)
        articles.append(article)
    return articles, entries


def _without_status(content: list[str]) -> list[str]:
    """Drop the "En vigueur étendu" line that Légifrance prints under each article."""
    for index, line in enumerate(content):
        if line.strip():
            return content[index + 1 :] if STATUS_LINE.match(line) else content[index:]
    return []


def _article(number: str | None, content: list[str]) -> ParsedArticle:
    """Numbered: first line is the title. Unnumbered: the annex if it says so, else preamble."""
    texts = list(content)
    first = next((i for i, line in enumerate(texts) if line.strip()), None)
    if number:
        if first is None:
            return ParsedArticle(number=number, title="", text="")
        return ParsedArticle(
            number=number, title=texts[first].strip(), text=tidy("\n".join(texts[first + 1 :]))
        )
    if first is not None and texts[first].strip().lower().startswith("annexe"):
        title_index = next((i for i in range(first + 1, len(texts)) if texts[i].strip()), first)
        return ParsedArticle(
            number="Annexe",
            title=texts[title_index].strip() if title_index != first else "",
            text=tidy("\n".join(texts[title_index + 1 :])),
        )
    return ParsedArticle(number="Préambule", title="", text=tidy("\n".join(texts)))
