"""Readers of agreement texts: pure functions from text to dataclasses, no database.

`parse_file` picks the reader for a file; `accords.services` stores what they return.
"""

from accords.importers.detect import parse_file, parse_text
from accords.importers.types import ImportParseError, ParsedAccord, ParsedArticle, ParsedListEntry

__all__ = [
    "ImportParseError",
    "ParsedAccord",
    "ParsedArticle",
    "ParsedListEntry",
    "parse_file",
    "parse_text",
]
