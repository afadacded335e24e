"""Pick the reader for a file from its layout, and refuse what neither reader knows."""

from pathlib import Path

from accords.importers.bocc import looks_like_bocc, parse_bocc
from accords.importers.cleaning import normalise_line
from accords.importers.legifrance import looks_like_legifrance, parse_legifrance
from accords.importers.types import ImportParseError, ParsedAccord


def parse_file(path: Path | str) -> list[ParsedAccord]:
    """Read every agreement text in the file at `path`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportParseError("le fichier n'est pas du texte UTF-8.", line=1) from exc
    return parse_text(text)


def parse_text(text: str) -> list[ParsedAccord]:
    """Read every agreement text in `text` (Légifrance page or BOCC print).

    Markdown exports and other documents are refused: they carry no NOR heading nor
    Légifrance article bullets, so whatever we read from them would be a guess.
    """
    lines = [normalise_line(line) for line in text.split("\n")]
    if looks_like_legifrance(lines):
        return parse_legifrance(text)
    if looks_like_bocc(lines):
        return parse_bocc(text)
    first = next(((i + 1, line.strip()) for i, line in enumerate(lines) if line.strip()), (1, ""))
    raise ImportParseError(
        "format non reconnu : ni impression BOCC (« Accord du … » suivi de « NOR : … ») "
        f"ni page Légifrance (« • Article … ») ; première ligne : « {first[1][:60]} ».",
        line=first[0],
    )
