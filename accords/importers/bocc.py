"""Reader of the BOCC print format (the weekly bulletin of collective agreements).

A file holds one or more texts. Each text starts with a heading line giving its kind and
signature date ("Avenant n° 59 du 20 juin 2024"), continued by its subject lines, then a
"NOR :" line. Between texts the print repeats running heads ("Brochure n° … | …",
"IDCC : … | BRANCHE") that belong to no text.

Articles are the printed headings "Préambule", "Article …" and "Annexe …" (or "Chapitre …" in
a text that has no article). Not every such line is one of the text's own headings; the shape
of the text tells them apart (`_own_headings`):

- A heading opening with « is quoted: it belongs to the provision an amending text rewrites.
- After an introduction to a quotation (« … est ainsi rédigé : », « … sont désormais rédigés
  comme suit : », « … est remplacé par les dispositions suivantes : », « … sont les
  suivantes : »), the headings that follow belong to the quotation until an article whose
  number continues the text's own numbering (after its Article 1er, an Article 2), or until
  the quotation visibly ends (a line closing with », the signatures). The bulletin's quotes do
  not always close, so the numbering, not the closing mark, ends an open quotation.
- A heading line that continues a sentence (the line above ends with « figurant en », « de
  l' », « à l' »…) is a mention of an annex or an article, not a heading.

A text whose only headings are quoted (it announces « une actualisation de l'annexe I » and
prints the new annex) is one article, numbered « unique », from what the parties agree on to
its end.
"""

import re
from dataclasses import dataclass

from accords.importers.cleaning import (
    is_furniture,
    join_broken_lines,
    normalise_line,
    tidy,
    vocabulary,
)
from accords.importers.dates import DATE_PATTERN, parse_french_date
from accords.importers.types import ImportParseError, ParsedAccord, ParsedArticle

# Longest names first: "Accord paritaire" must not be read as "Accord".
KINDS = (
    ("accord de substitution", "accord_substitution"),
    ("accord paritaire", "accord_paritaire"),
    ("accord-cadre", "accord_cadre"),
    ("accord cadre", "accord_cadre"),
    ("protocole d’accord", "protocole"),
    ("protocole d'accord", "protocole"),
    ("avenant", "avenant"),
    ("accord", "accord"),
)
KIND_NAMES = "|".join(re.escape(name) for name, _ in KINDS)
HEADING = re.compile(
    rf"^\s*(?P<kind>{KIND_NAMES})\b(?P<rest>[^|]{{0,40}}?)\s+du\s+(?P<date>{DATE_PATTERN})\s*$",
    re.IGNORECASE,
)
NOR_LINE = re.compile(r"^\s*NOR\s*:\s*(?::\s*)?(?P<nor>[A-Z]{4}\d{7}[A-Z])\s*$")
IDCC_LINE = re.compile(r"^\s*IDCC\s*:\s*(?P<idcc>\d{1,4})\s*$")
IDCC_BANNER = re.compile(r"^\s*IDCC\s*:\s*(?P<idcc>\d{1,4})\s*\|")
BROCHURE_BANNER = re.compile(r"^\s*Brochure n°\s*(?P<brochure>\d+)\s*\|")
ARTICLE = re.compile(
    r"^\s*Article\s+(?P<number>1er|premier|unique|\d+(?:\.\d+)*(?:\s(?:bis|ter))?|[IVXLC]+)"
    r"\s*(?:\|\s*(?P<title>.*))?$"
)
ANNEX = re.compile(
    r"^\s*(?:«\s*)?(?P<number>Annexe(?:\s+(?:[IVXLC]+|\d+))?)(?:\s{2,}(?P<title>\S.*))?$"
)
# Chapters number the divisions of a text only when it has no articles (BTP avenants).
CHAPTER = re.compile(r"^\s*(?P<number>Chapitre\s+(?:1er|\d+|[IVXLC]+))\s*(?:\|\s*(?P<title>.*))?$")
PREAMBLE = re.compile(r"^\s*(?P<number>Préambule)\s*$")
# What opens a quotation of the provisions an amending text rewrites (see the module docstring);
# « les parties conviennent des stipulations suivantes : » opens the text's own articles.
QUOTATION_INTRO = re.compile(
    r"(rédigée?s?|remplacée?s?|modifiée?s?|libellée?s?|complétée?s?|comme suit"
    r"|sont les suivantes)(\s+\S+){0,4}\s*:$"
)
QUOTATION_END = re.compile(r"»\s*[.;,]?\s*$|^\s*\(Suivent les signatures|^\s*Fait à ")
# A line ending inside a sentence: the heading-like line below it goes on with that sentence.
SENTENCE_GOES_ON = re.compile(
    r"(?:\b(?:en|de|des|du|à|au|aux|la|le|les|par|dans|sur|et|ou|figurant|visée?s?"
    r"|mentionnée?s?|prévue?s?|jointe?s?)|[’'])\s*$"
)
AGREED = re.compile(r"ce qui suit\s*:\s*$|^\s*d.autre part,?\s*$", re.I)
ARTICLE_NUMBER = re.compile(r"(?P<digits>\d+(?:\.\d+)*)(?:\s(?P<suffix>bis|ter))?")
EMPLOYERS_START = re.compile(
    r"organisation\(s\) professionnelle\(s\)|organisations? d.employeurs", re.I
)
UNIONS_START = re.compile(r"syndicat\(s\) de salariés|organisations? syndicales?", re.I)
ONE_PART_END = re.compile(r"^\s*d.une part,?\s*$", re.I)
OTHER_PART_END = re.compile(r"^\s*d.autre part,?\s*$", re.I)
# How far above a heading the running heads of its text may start.
BANNER_REACH = 12
# How far below a heading its NOR line must be for the heading to open a text.
NOR_REACH = 10


@dataclass(frozen=True)
class _Span:
    """Where one text sits in the file: heading, NOR line, end (exclusive), 0-based."""

    banner: int
    heading: int
    nor: int
    end: int


def looks_like_bocc(lines: list[str]) -> bool:
    return bool(_find_headings(lines))


def parse_bocc(text: str) -> list[ParsedAccord]:
    """Split a BOCC print file into its texts and read each one."""
    lines = [normalise_line(line) for line in text.split("\n")]
    vocab = vocabulary("\n".join(lines))
    spans = _spans(lines)
    if not spans:
        raise ImportParseError(
            "aucun texte reconnu : il faut une ligne « Accord du … » (ou avenant, protocole…) "
            "suivie d'une ligne « NOR : … ».",
            line=_first_content_line(lines),
        )
    return [_read_text(lines, span, vocab) for span in spans]


def _first_content_line(lines: list[str]) -> int:
    return next((i + 1 for i, line in enumerate(lines) if line.strip()), 1)


def _find_headings(lines: list[str]) -> list[tuple[int, int]]:
    """Pairs (heading, NOR line) of every text in the file."""
    found = []
    for index, line in enumerate(lines):
        if not HEADING.match(line):
            continue
        for below in range(index + 1, min(index + 1 + NOR_REACH, len(lines))):
            if NOR_LINE.match(lines[below]):
                found.append((index, below))
                break
            if ARTICLE.match(lines[below]) or HEADING.match(lines[below]):
                break
    return found


def _spans(lines: list[str]) -> list[_Span]:
    headings = _find_headings(lines)
    banners = [_banner_start(lines, heading) for heading, _ in headings]
    ends = [*banners[1:], len(lines)]
    return [
        _Span(banner=banner, heading=heading, nor=nor, end=end)
        for (heading, nor), banner, end in zip(headings, banners, ends, strict=True)
    ]


def _banner_start(lines: list[str], heading: int) -> int:
    """The first running-head line above a heading (the heading itself when there is none).

    Walks up over blank lines, running heads and their continuation lines (branch names in
    capitals, bracketed notes over several lines), and stops at the first line of ordinary text.
    """
    start = heading
    in_brackets = False
    for index in range(heading - 1, max(heading - BANNER_REACH, -1), -1):
        line = lines[index].strip()
        if in_brackets or line.endswith(")"):
            in_brackets = not line.startswith("(")
        if is_furniture(line):
            start = index
        elif line and not in_brackets and not _banner_continuation(line):
            break
    return start


def _banner_continuation(line: str) -> bool:
    stripped = line.strip()
    return (
        not any(char.islower() for char in stripped)
        or stripped.startswith("(")
        or stripped.endswith(")")
    )


def _read_text(lines: list[str], span: _Span, vocab: frozenset[str]) -> ParsedAccord:
    heading = HEADING.match(lines[span.heading])
    body = lines[span.nor + 1 : span.end]
    articles = _articles(body, vocab)
    if not articles:
        raise ImportParseError(
            "texte sans article : aucune ligne « Article … », « Annexe », « Préambule » "
            "ni « Chapitre … » "
            f"après le NOR (texte commençant ligne {span.heading + 1}).",
            line=span.heading + 1,
        )
    employers, unions = _signatories(body)
    banner = lines[span.banner : span.heading]
    return ParsedAccord(
        kind=kind_of(heading.group("kind")),
        title=_title(lines[span.heading : span.nor], vocab),
        signature_date=parse_french_date(heading.group("date")),
        idcc=_idcc(body, banner),
        nor=NOR_LINE.match(lines[span.nor]).group("nor"),
        brochure=_first_group(banner, BROCHURE_BANNER, "brochure"),
        employer_signatories=employers,
        union_signatories=unions,
        articles=articles,
        source_text=_clean(lines[span.heading : span.end], vocab),
        first_line=span.heading + 1,
    )


def kind_of(name: str) -> str:
    lowered = name.lower()
    return next(kind for printed, kind in KINDS if printed == lowered)


def _title(lines: list[str], vocab: frozenset[str]) -> str:
    """The heading and its subject lines, on one line."""
    return " ".join(_clean(lines, vocab).split())


def _idcc(body: list[str], banner: list[str]) -> str:
    """The IDCC printed under the NOR, or failing that the one of the running head."""
    for line in body[:3]:
        match = IDCC_LINE.match(line)
        if match:
            return match.group("idcc")
    return _first_group(banner, IDCC_BANNER, "idcc")


def _first_group(lines: list[str], pattern: re.Pattern, group: str) -> str:
    for line in lines:
        match = pattern.match(line)
        if match:
            return match.group(group)
    return ""


def _signatories(body: list[str]) -> tuple[list[str], list[str]]:
    """The employer organisations and the unions listed before "d'une/d'autre part"."""
    employers = _listed_between(body, EMPLOYERS_START, ONE_PART_END)
    unions = _listed_between(body, UNIONS_START, OTHER_PART_END)
    return employers, unions


def _listed_between(body: list[str], start: re.Pattern, end: re.Pattern) -> list[str]:
    collected: list[str] | None = None
    for line in body[:60]:
        if collected is None:
            if start.search(line):
                collected = []
            continue
        if end.match(line):
            return _split_names(" ".join(collected))
        collected.append(line.strip())
    return []


def _split_names(text: str) -> list[str]:
    names = (name.strip(" ,;.") for name in re.split(r"\s;\s*|;\s+|;$", text))
    return [" ".join(name.split()) for name in names if name.strip(" ,;.")]


def _articles(body: list[str], vocab: frozenset[str]) -> list[ParsedArticle]:
    """Cut the body at each of its own headings: Préambule, Article …, Annexe … (or Chapitre …).

    A text whose headings are all quoted is one article, « unique »."""
    patterns = (ARTICLE, ANNEX, PREAMBLE)
    starts, quoted = _own_headings(body, patterns)
    if not starts:
        patterns = (CHAPTER,)
        starts = _heading_lines(body, patterns)
    if not starts and quoted:
        first = next((i + 1 for i, line in enumerate(body) if AGREED.search(line)), 0)
        return [ParsedArticle(number="unique", title="", text=_clean(body[first:], vocab))]
    articles = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(body)
        number, title, text_start = _article_heading(body, start, end, patterns)
        text = _clean(body[text_start:end], vocab)
        articles.append(ParsedArticle(number=number, title=_title(title, vocab), text=text))
    return articles


def _own_headings(body: list[str], patterns: tuple[re.Pattern, ...]) -> tuple[list[int], int]:
    """The lines of the text's own headings, and how many heading lines were quotations."""
    starts, quoted, quoting, last_own = [], 0, False, None
    for index, line in enumerate(body):
        is_quoted = line.lstrip().startswith("«")
        match = _heading_of(line.lstrip().removeprefix("«"), patterns)
        if match is None:
            continue
        before = _lines_above(body, index)
        if before and QUOTATION_END.search(before[-1]):
            quoting = False
        if before and QUOTATION_INTRO.search(" ".join(before)):
            quoting = True
        if is_quoted:
            quoting, quoted = True, quoted + 1
            continue
        if before and SENTENCE_GOES_ON.search(before[-1]):
            continue  # « … figurant en / Annexe II / du présent accord »: a mention
        key = _article_key(match.group("number")) if match.re is ARTICLE else None
        if quoting and not (key is not None and _follows(last_own, key)):
            quoted += 1
            continue
        quoting = False
        if key is not None:
            last_own = key
        elif match.re is ANNEX:
            last_own = None  # a text printed in an annex numbers its articles anew
        starts.append(index)
    return starts, quoted


def _lines_above(body: list[str], index: int, count: int = 2) -> list[str]:
    """The last `count` non-blank lines above `index`, top first."""
    above = [line.strip() for line in body[max(0, index - 12) : index] if line.strip()]
    return above[-count:]


def _article_key(number: str) -> tuple | None:
    """(3, 1) for « 3.1 », (25, 'bis') for « 25 bis », (1,) for « 1er »; None for I, II…"""
    if number in ("1er", "premier", "unique"):
        return (1,)
    match = ARTICLE_NUMBER.fullmatch(number)
    if match is None:
        return None
    digits = tuple(int(part) for part in match.group("digits").split("."))
    return (*digits, match.group("suffix")) if match.group("suffix") else digits


def _follows(previous: tuple | None, key: tuple) -> bool:
    """Whether article `key` comes next after `previous` in a text's own numbering: the next
    number at some level (3.2 → 3.3 or 4), one level down (3 → 3.1), or a bis/ter."""
    if previous is None:
        return key[0] == 1
    if isinstance(key[-1], str):
        return key[:-1] == previous
    previous = tuple(part for part in previous if not isinstance(part, str))
    if key == (*previous, 1):
        return True
    return any(key == (*previous[:level], previous[level] + 1) for level in range(len(previous)))


def _heading_lines(body: list[str], patterns: tuple[re.Pattern, ...]) -> list[int]:
    return [index for index, line in enumerate(body) if _heading_of(line, patterns)]


def _heading_of(line: str, patterns: tuple[re.Pattern, ...]) -> re.Match | None:
    return next((match for pattern in patterns if (match := pattern.match(line))), None)


def _article_heading(
    body: list[str], start: int, end: int, patterns: tuple[re.Pattern, ...]
) -> tuple[str, list[str], int]:
    """Number, title lines and first text line of the article whose heading is at `start`.

    A title line ending with a space or a hyphen goes on over the next line.
    """
    match = _heading_of(body[start], patterns)
    number = " ".join(match.group("number").split())
    title = match.groupdict().get("title") or ""
    title_lines = [title] if title.strip() else []
    text_start = start + 1
    raw = body[start]
    while title_lines and (raw.endswith(" ") or raw.endswith("-")) and text_start < end:
        raw = body[text_start]
        if not raw.strip() or _heading_of(raw, patterns):
            break
        title_lines.append(raw)
        text_start += 1
    return number, title_lines, text_start


def _clean(lines: list[str], vocab: frozenset[str]) -> str:
    kept = [line for line in lines if not is_furniture(line)]
    return tidy(join_broken_lines(kept, vocab))
