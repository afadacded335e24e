"""The README's promises and the tests match one for one.

The table of the README's « Sécurité et données personnelles » section names, in its last
column, the test files that hold each promise (`test_x.py`, in `tests/security/`, or a path
from the repository's root such as `tests/e2e/test_y.py`) and, after a file, the tests of its
own (`test_something`). This test fails when a named file or test does not exist, when a row
names no test file, and when a test module of `tests/security/` is named by no promise.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECURITY = Path(__file__).resolve().parent
SECTION = "## Sécurité et données personnelles"
CODE = re.compile(r"`([^`]+)`")


def _rows() -> list[tuple[str, str]]:
    """(promise, test column) for each row of the section's table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in text, f"the README has no section « {SECTION[3:]} »"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if cells[0] == "promesse":  # the heading
            continue
        rows.append((cells[0], cells[-1]))
    return rows


def _named(column: str) -> list[tuple[Path, list[str]]]:
    """The files a test column names, each with the tests named after it."""
    named: list[tuple[Path, list[str]]] = []
    for token in CODE.findall(column):
        if token.endswith(".py"):
            path = ROOT / token if "/" in token else SECURITY / token
            named.append((path, []))
        elif re.fullmatch(r"test_\w+", token):
            assert named, f"`{token}` is named before any file: {column[:80]}…"
            named[-1][1].append(token)
    return named


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


ROWS = _rows()


def test_the_section_has_promises():
    assert len(ROWS) >= 20


@pytest.mark.parametrize(("promise", "column"), ROWS, ids=[p[:50] for p, _ in ROWS])
def test_each_promise_names_tests_that_exist(promise, column):
    named = _named(column)
    assert named, f"no test file named for « {promise[:80]}… »"
    for path, tests in named:
        assert path.is_file(), f"{path.relative_to(ROOT)} does not exist (« {promise[:60]}… »)"
        missing = set(tests) - _tests_in(path)
        assert not missing, f"not in {path.relative_to(ROOT)}: {sorted(missing)}"


def test_every_security_test_module_is_named_by_a_promise():
    named = {path for _, column in ROWS for path, _ in _named(column)}
    modules = set(SECURITY.glob("test_*.py"))
    orphans = sorted(path.name for path in modules - named)
    assert not orphans, f"test modules of tests/security/ that no promise names: {orphans}"
