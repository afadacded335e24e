"""README « Cycle de vie d'un dossier » lists every declared step, what it records and its
guards (cases.workflow.steps): the table cannot drift from the declaration."""

from pathlib import Path

import pytest

from cases.workflow.steps import STEPS

README = Path(__file__).resolve().parents[2] / "README.md"


def lifecycle_rows() -> dict[str, str]:
    """The table's rows by their first cell (the step's French label)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Cycle de vie d'un dossier\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    header, _, *body = rows
    assert header == "| étape | ce qu'elle enregistre | quand elle est permise | source |"
    return {row.split(" | ")[0].removeprefix("| "): row for row in body}


def test_the_table_lists_every_declared_step_and_no_other():
    assert set(lifecycle_rows()) == {step.label for step in STEPS.values()}


@pytest.mark.parametrize("name", list(STEPS))
def test_each_row_names_what_the_step_records_and_its_guards(name):
    step = STEPS[name]
    row = lifecycle_rows()[step.label]
    _, records, allowed, source = row.strip("| ").split(" | ")
    for field in step.asked:
        assert f"`{field}`" in records, field
    if step.comment_required:
        assert "commentaire" in records
    for guard in step.guards:
        assert f"`{guard.code}`" in allowed, guard.code
    assert source.strip()
