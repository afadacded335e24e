"""Cell suppression as national statistics offices practise it: primary suppression of the
sensitive cells, then secondary (complementary) suppression until no hidden cell can be worked
out from the cells left visible.

Pure Python, no Django: a cell is any hashable key with a number; a `Relation` says that one
cell is the sum of others (a row and its total, a total that two tables share). The attacker
knows every relation and, for each hidden cell, bounds: what the markers tell
(`Problem.shown_prior`: a hidden count is never zero, zeros being shown) and, at worst, which
hidden cells are the small ones (`Problem.prior`: 1 to 4), although they all look the same.

`suppress` grows the hidden set until an audit finds nothing to recover:
1. a derived cell (a rate, an amount at the forfait) is hidden when one of its inputs is;
2. a relation with exactly one hidden cell gets a second one: its smallest non-zero visible
   cell, total included (a zero protects nothing: the reader knows hidden cells are not zero);
3. the audit runs what an attacker would: interval propagation over every relation with the
   bounds (46 − 38 = 8 over two cells under 5: both are 4) and exact linear algebra (a hidden
   cell that a combination of relations gives); each cell it pins gets one more complement.
   Nothing may be pinned from the markers; from the worst case, a cell that stays pinned with
   every non-zero cell hidden is left as it is: only its relation's zeros give it away (a total
   under 5 over four non-zero cells is 4, each of them 1), and hiding more would not help.
"""

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

Key = Hashable
# Two amounts closer than half a cent are the same amount (report figures are in cents).
TOLERANCE = 0.005
MAX_PASSES = 200


@dataclass(frozen=True)
class Relation:
    """`whole` equals the sum of `parts`."""

    whole: Key
    parts: tuple[Key, ...]

    @property
    def cells(self) -> tuple[Key, ...]:
        return (self.whole, *self.parts)

    def terms(self) -> tuple[tuple[Key, int], ...]:
        """The relation as Σ coefficient × cell = 0."""
        return ((self.whole, 1), *((part, -1) for part in self.parts))


@dataclass
class Problem:
    values: dict[Key, float]  # every numeric cell of the report, hidden or not
    relations: list[Relation]
    # What a reader may know of a hidden cell, at worst: (lowest, highest) value.
    prior: Callable[[Key], tuple[float, float]]
    integers: set[Key] = field(default_factory=set)  # counts: bounds are whole numbers
    derived: dict[Key, tuple[Key, ...]] = field(default_factory=dict)  # cell → its inputs
    # What the markers alone tell of a hidden cell; the worst case when not given.
    shown_prior: Callable[[Key], tuple[float, float]] | None = None

    def __post_init__(self):
        self.relations = [r for r in self.relations if self._holds(r)]

    def nonzero(self) -> set:
        return {cell for cell, value in self.values.items() if value != 0}

    def _holds(self, relation: Relation) -> bool:
        """Keep the relations that hold on these figures: a relation that does not hold (a
        row missing, a total that is not a sum here) cannot be used by anybody either."""
        if any(not _number(self.values.get(cell)) for cell in relation.cells):
            return False
        total = sum(self.values[part] for part in relation.parts)
        return abs(self.values[relation.whole] - total) < TOLERANCE


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def suppress(problem: Problem, primary: Iterable[Key]) -> set[Key]:
    """The cells to hide: `primary` and enough complements that none can be recovered, but
    for the cells that no suppression could protect (see the module's docstring)."""
    hidden = set(primary)
    beyond_help = _pinned_by_bounds(problem, hidden | problem.nonzero(), problem.prior)
    shown = problem.shown_prior or problem.prior
    while True:
        added = _hide_derived(problem, hidden) | _complete_relations(problem, hidden)
        if added:
            continue
        exposed = _determined(problem, hidden)
        exposed |= _pinned_by_bounds(problem, hidden, problem.prior) - beyond_help
        exposed |= _pinned_by_bounds(problem, hidden, shown)
        extra = {c for c in (_complement_near(problem, hidden, cell) for cell in exposed) if c}
        if not extra:
            return hidden
        hidden |= extra


def _hide_derived(problem: Problem, hidden: set) -> set:
    added = set()
    for cell, inputs in problem.derived.items():
        visible = cell not in hidden and _number(problem.values.get(cell))
        if visible and any(i in hidden for i in inputs):
            hidden.add(cell)
            added.add(cell)
    return added


def _complete_relations(problem: Problem, hidden: set) -> set:
    """Standard secondary suppression: no relation is left with a single hidden cell."""
    added = set()
    for relation in problem.relations:
        if sum(cell in hidden for cell in relation.cells) == 1:
            cell = _smallest_visible(problem, hidden, relation.cells)
            if cell is not None:
                hidden.add(cell)
                added.add(cell)
    return added


def _smallest_visible(problem: Problem, hidden: set, cells: Iterable[Key]):
    """The smallest non-zero visible cell; parts before totals when they tie."""
    candidates = [
        (abs(problem.values[cell]), index, cell)
        for index, cell in enumerate(cells)
        if cell not in hidden and problem.values[cell] != 0
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c[0], c[1] == 0, c[1]))[2]


def _complement_near(problem: Problem, hidden: set, exposed: Key):
    """A visible cell to hide so that `exposed` is no longer pinned: the smallest one in the
    relations around it, looking further out (through hidden cells) when those are all hidden."""
    seen, frontier = set(), {exposed}
    while frontier:
        around = [r for r in problem.relations if frontier & set(r.cells)]
        cells = [c for r in around for c in r.cells]
        cell = _smallest_visible(problem, hidden, dict.fromkeys(cells))
        if cell is not None:
            return cell
        seen |= frontier
        frontier = {c for c in cells if c in hidden} - seen
    return None


def recoverable(problem: Problem, hidden: set, prior=None) -> set:
    """The hidden cells an attacker who knows `prior` (the worst case by default) can pin to
    one value from the visible ones."""
    return _pinned_by_bounds(problem, hidden, prior) | _determined(problem, hidden)


def bounds(problem: Problem, hidden: set, prior=None) -> dict[Key, tuple[float, float]]:
    """Interval propagation: narrow each hidden cell's (low, high) through every relation
    until nothing changes."""
    low, high = {}, {}
    for cell in hidden:
        low[cell], high[cell] = (prior or problem.prior)(cell)
    relations = [r for r in problem.relations if hidden & set(r.cells)]

    def span(cell, coefficient):
        if cell not in hidden:
            value = problem.values[cell] * coefficient
            return value, value
        if coefficient > 0:
            return low[cell] * coefficient, high[cell] * coefficient
        return high[cell] * coefficient, low[cell] * coefficient

    for _ in range(MAX_PASSES):
        changed = False
        for relation in relations:
            terms = relation.terms()
            for cell, coefficient in terms:
                if cell not in hidden:
                    continue
                rest = [span(c, k) for c, k in terms if c != cell]
                rest_low, rest_high = sum(r[0] for r in rest), sum(r[1] for r in rest)
                # coefficient × cell = −rest
                new_low, new_high = (
                    (-rest_high, -rest_low) if coefficient > 0 else (rest_low, rest_high)
                )
                if cell in problem.integers:
                    new_low = math.ceil(new_low - 1e-9) if math.isfinite(new_low) else new_low
                    new_high = math.floor(new_high + 1e-9) if math.isfinite(new_high) else new_high
                if new_low > low[cell] + 1e-9:
                    low[cell], changed = new_low, True
                if new_high < high[cell] - 1e-9:
                    high[cell], changed = new_high, True
        if not changed:
            break
    return {cell: (low[cell], high[cell]) for cell in hidden}


def _pinned_by_bounds(problem: Problem, hidden: set, prior=None) -> set:
    found = bounds(problem, hidden, prior).items()
    return {cell for cell, (low, high) in found if high - low < TOLERANCE}


def _determined(problem: Problem, hidden: set) -> set:
    """Hidden cells that some combination of relations gives exactly: Gauss–Jordan over the
    rationals on the hidden cells (sparse rows); a reduced row left with one cell gives it."""
    reduced: list[tuple[Key, dict]] = []  # (pivot, row); no row holds another's pivot
    for relation in problem.relations:
        row: dict = {}
        for cell, coefficient in relation.terms():
            if cell in hidden:
                row[cell] = row.get(cell, 0) + coefficient
        row = {cell: Fraction(v) for cell, v in row.items() if v}
        for pivot, other in reduced:
            if pivot in row:
                _subtract(row, other, row[pivot])
        if not row:
            continue
        pivot = min(row, key=repr)
        scale = row[pivot]
        row = {cell: v / scale for cell, v in row.items()}
        for _, other in reduced:
            if pivot in other:
                _subtract(other, row, other[pivot])
        reduced.append((pivot, row))
    return {pivot for pivot, row in reduced if len(row) == 1}


def _subtract(row: dict, other: dict, factor) -> None:
    """row −= factor × other, dropping the cells that reach zero."""
    for cell, value in other.items():
        new = row.get(cell, 0) - factor * value
        if new:
            row[cell] = new
        else:
            row.pop(cell, None)
