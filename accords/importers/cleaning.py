"""Undo what printing did to a text: odd spaces, page furniture, words split across lines.

The BOCC print breaks words at line ends ("sep-" / "tembre") and splits the "fi" ligature
("bénéfi ciaires"). A real hyphen can also fall at a line end ("accord-" / "cadre"), so each
join is decided with the words the file itself prints unbroken elsewhere.
"""

import re

# En, em, thin and no-break spaces become plain spaces; the replacement character is noise
# left by the PDF conversion (lost bullet glyphs).
_SPACES = str.maketrans({"\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " "})
_NOISE = re.compile("[\ufffd\u00ad]")

# Running heads and feet of the BOCC print: never part of an agreement text.
FURNITURE = (
    re.compile(r"^\s*Brochure n°\s*\d+\s*\|"),
    re.compile(r"^\s*IDCC\s*:\s*\d+\s*\|"),
    re.compile(r"^\s*BOCC\s+\d{4}-\d+\s+TRA\s+\d+\s*$"),
    re.compile(r"^\s*MINISTÈRE DU TRAVAIL"),
    re.compile(r"^\s*Accords collectifs nationaux\s*$"),
    re.compile(r"^\s*Conventions? collectives?( nationales?)?\s*$"),
)

_WORD = re.compile(r"[\w’']+(?:-[\w’']+)*")
_LIGATURE = re.compile(r"\b(\w*fi) ([a-zà-ÿ]\w*)")
# French words that really end in "fi": a space after them is a real space.
_REAL_FI_WORDS = frozenset({"fi", "défi", "wifi"})
_LINE_END_HYPHEN = re.compile(r"([\w’']+(?:-[\w’']+)*)\s?-$")
_FIRST_WORD = re.compile(r"^\s*([\w’']+(?:-[\w’']+)*)")


def normalise_line(line: str) -> str:
    """Make spaces plain and drop noise characters; keep a trailing space (it means "continued")."""
    return _NOISE.sub("", line.translate(_SPACES).rstrip("\r\n"))


def is_furniture(line: str) -> bool:
    return any(pattern.search(line) for pattern in FURNITURE)


def vocabulary(text: str) -> frozenset[str]:
    """Every word and hyphenated compound the text prints on one line, lower-cased."""
    words: set[str] = set()
    for match in _WORD.finditer(text.lower()):
        token = match.group(0)
        words.add(token)
        words.update(token.split("-"))
        if "-" in token:
            words.add(_singular_compound(token))
    return frozenset(words)


def _singular_compound(compound: str) -> str:
    """ "accords-cadres" and "accord-cadre" share a key: plurals do not hide a compound."""
    return "-".join(part.rstrip("sx") for part in compound.split("-"))


def _keeps_hyphen(head: str, tail: str, vocab: frozenset[str]) -> bool:
    """Decide whether "head-" + "tail" at a line break is a real hyphen."""
    if tail[:1].isupper() or tail[:1].isdigit():
        return True  # Pro-A, CFE-CGC, L. 2261-15
    if "-" in head:
        return True  # c'est-à-dire, papiers-cartons
    joined = (head + tail).lower()
    compound = f"{head}-{tail}".lower()
    known = compound in vocab or _singular_compound(compound) in vocab
    return known and joined not in vocab


def join_broken_lines(lines: list[str], vocab: frozenset[str]) -> str:
    """Join the lines of one passage, rejoining words the print split at line ends."""
    out: list[str] = []
    for line in lines:
        line = fix_ligatures(line.rstrip(), vocab)
        previous = out[-1] if out else ""
        hyphen = _LINE_END_HYPHEN.search(previous) if previous.endswith("-") else None
        first = _FIRST_WORD.match(line)
        if hyphen and not line.strip():
            continue  # a page break fell inside the hyphenated word
        if hyphen and first and line.strip():
            head, tail = hyphen.group(1), first.group(1)
            glue = "-" if _keeps_hyphen(head, tail, vocab) else ""
            out[-1] = previous[: hyphen.start()] + head + glue + line.lstrip()
            continue
        out.append(line)
    return "\n".join(out)


def fix_ligatures(line: str, vocab: frozenset[str]) -> str:
    """Rejoin "certifi cations": the print splits the "fi" ligature from the rest of the word."""

    def rejoin(match: re.Match) -> str:
        joined = match.group(1) + match.group(2)
        if joined.lower() in vocab or match.group(1).lower() not in _REAL_FI_WORDS:
            return joined
        return match.group(0)

    return _LIGATURE.sub(rejoin, line)


def tidy(text: str) -> str:
    """Collapse runs of blank lines and spaces left once furniture is gone."""
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
