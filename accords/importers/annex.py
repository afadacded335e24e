"""Reader of a certification list printed as a table whose cells ran together.

Each line ends with an RNCP code and level ("…RNCP34860 (niveau 3)"), optionally "(1)" for
an entry excluded from the extension. Before the code, one to four cells are glued together
(sector, sub-sector, job, certification title): the leftmost cells are left out when they
repeat the row above (merged cells), so a line with fewer cells inherits the missing ones.
A line without a code is a cell that continues on the next line.
"""

import re
from dataclasses import dataclass

from accords.importers.types import ImportParseError, ParsedListEntry

CODE = re.compile(
    r"(?P<code>RNCP\d{3,6})\s*\((?:niveau\s+(?P<level>\d)|sans niveau)\)\s*(?P<excluded>\(1\))?\s*$"
)
HEADER = re.compile(r"Code RNCP\s*$")
EXCLUDED_MARK = re.compile(r"\s*\(1\)\s*$")
# Certification titles start with these abbreviations; printed glued to a job name ending in
# capitals ("Chauffeur VL" + "TP conducteur…"), they are where the cell boundary is.
TITLE_PREFIXES = ("TP", "CQP", "CAP", "BP", "BTS", "DUT", "DATA")
_GLUED_PREFIX = re.compile(rf"(?<=\S)(?=(?:{'|'.join(TITLE_PREFIXES)})\s)")
# A lower-case letter or closing bracket directly followed by a capital: "transportLogistique".
_GLUED_CAPITAL = re.compile(r"(?<=[a-zà-ÿœ\)])(?=[A-ZÀ-ÝŒ])")
# Capitals followed by a capitalised word: "QHSELicence", "BTPFibre".
_GLUED_WORD = re.compile(r"(?<=[A-ZÀ-Ý])(?=[A-ZÀ-Ý][a-zà-ÿ])")
COLUMNS = ("sector", "sub_sector", "job", "title")


@dataclass
class _Row:
    sector: str = ""
    sub_sector: str = ""
    job: str = ""
    title: str = ""


def split_cells(text: str) -> list[str]:
    """Cut a run of glued cells at the boundaries the print lost."""
    marked = _GLUED_PREFIX.sub("\x00", text)
    marked = _GLUED_CAPITAL.sub("\x00", marked)
    marked = _GLUED_WORD.sub("\x00", marked)
    return [cell.strip() for cell in marked.split("\x00") if cell.strip()]


def parse_certification_table(lines: list[str], *, first_line: int) -> list[ParsedListEntry]:
    """Read the table rows after its header line; stop at the first line after the rows."""
    start = _header_index(lines, first_line)
    entries: list[ParsedListEntry] = []
    row = _Row()
    pending: list[str] = []
    for index in range(start + 1, len(lines)):
        line = lines[index].strip()
        if not line:
            if entries and not pending:
                break
            continue
        match = CODE.search(line)
        if match is None:
            _continue_cell(pending, line)
            continue
        cells = pending + split_cells(line[: match.start()])
        pending = []
        entries.append(_entry(row, cells, match, line_number=first_line + index))
    if not entries:
        raise ImportParseError(
            "liste de certifications vide : aucune ligne « …RNCP… (niveau …) ».",
            line=first_line + start,
        )
    return entries


def _header_index(lines: list[str], first_line: int) -> int:
    for index, line in enumerate(lines):
        if HEADER.search(line):
            return index
    raise ImportParseError(
        "annexe sans tableau : ligne d'en-tête « …Code RNCP » introuvable.", line=first_line
    )


def _continue_cell(pending: list[str], line: str) -> None:
    """A cell broken over lines: a line starting in lower case goes on the previous one."""
    if pending and line[:1].islower():
        pending[-1] = f"{pending[-1]} {line}"
    else:
        pending.extend(split_cells(line))


def _entry(row: _Row, cells: list[str], match: re.Match, *, line_number: int) -> ParsedListEntry:
    if len(cells) > len(COLUMNS):
        raise ImportParseError(
            f"ligne de tableau illisible : {len(cells)} cellules au lieu de 4 au plus "
            f"({' | '.join(cells)}).",
            line=line_number,
        )
    excluded = bool(match.group("excluded"))
    if cells and EXCLUDED_MARK.search(cells[-1]):
        excluded = True
        cells[-1] = EXCLUDED_MARK.sub("", cells[-1])
    _fill(row, cells)
    level = match.group("level")
    return ParsedListEntry(
        sector=row.sector,
        sub_sector=row.sub_sector,
        job=row.job,
        title=row.title,
        rncp_code=match.group("code"),
        level=int(level) if level else None,
        excluded_from_extension=excluded,
    )


def _fill(row: _Row, cells: list[str]) -> None:
    """Put the cells in the rightmost columns; the columns to their left keep the row above."""
    if not cells:
        return  # only a code: same title as the row above (merged cell)
    for column, value in zip(COLUMNS[-len(cells) :], cells, strict=True):
        setattr(row, column, value)
