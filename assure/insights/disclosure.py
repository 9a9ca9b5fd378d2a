"""Disclosure control for what leaves Assure (CSV downloads and Word reports): no count of 1
to 4 children is shown, and none can be worked out from what is shown.

Every count a download or report shows is a sum of **base cells**: the finest split of the
facts it counts (each exit by route, kind, month, whether its 12 months have run and whether
the child came back, before or after the programme start; each entry by month; ...). A person
reading the document knows how its numbers add up (a month's exits are its routes' exits; a
route's exits are its months'; exits still in their window plus those followed up are all of
them; an SGO exit either had an assessment in one of the bands or none), so the **attack** is
linear: for a hidden count, the least and the most it can be, given every shown count as an
equation over the base cells and every base cell at least zero (a linear programme, scipy's
HiGHS). A hidden count is **protected** when that range is at least `PROTECTION` wide: the
reader cannot tell a 0 from a 5.

`Ledger.protect` hides every count of 1 to 4 (**primary**; a zero is shown), then, while
any hidden count is not protected, hides one more shown count that shares its line
(**complementary**: the smallest one of at least 5 that lies inside a shown total with it;
with none, the total itself).
Hiding only ever widens ranges, so a count once protected stays so and the loop ends.
Each "is it protected?" is answered as the linear programme would answer it, but by a
cheaper proof where one exists (a base cell nothing shown mentions, a single shown count
that caps it, counts the reader cannot rule out that lie far enough apart), and otherwise by
the programme, solved from the last one's basis (`_Attack`): the same counts are hidden.

Statistics worked out from counts (means, limits, rates, medians, intervals, signals, and the
sentences that give them) are not linear in them, so they are shown only where none of the
counts they rest on is hidden.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SUPPRESS_BELOW = 5
PROTECTION = 5
HIDDEN = "c"
HIDDEN_NOTE = (
    "c: hidden, because it is 1 to 4 children or because it would let such a figure be worked out."
)

Key = Hashable
_DONE: OrderedDict[str, frozenset[int]] = OrderedDict()
_KEEP = 64


@dataclass
class Cell:
    terms: dict[Key, int]
    value: int
    label: str = ""

    @property
    def primary(self) -> bool:
        """1 to 4 children. A zero is shown: that no child is in a cell tells nothing about
        any child (as the DfE's own statistics show zeros)."""
        return 0 < self.value < SUPPRESS_BELOW


@dataclass
class Ledger:
    """Every count in one document, over one set of base cells."""

    base: dict[Key, int]
    identities: list[dict[Key, int]] = field(default_factory=list)  # each sums to zero
    fixed: set[Key] = field(default_factory=set)  # base cells the reader knows exactly
    cells: list[Cell] = field(default_factory=list)

    def add(self, terms: Mapping[Key, int] | Iterable[Key], label: str = "") -> int:
        """Register a shown count by its terms; its value is worked out from the base."""
        coefficients = dict(terms) if isinstance(terms, Mapping) else dict.fromkeys(terms, 1)
        for key in coefficients:
            self.base.setdefault(key, 0)
        value = sum(c * self.base[k] for k, c in coefficients.items())
        self.cells.append(Cell(coefficients, value, label))
        return len(self.cells) - 1

    # The attack ------------------------------------------------------------------------

    def _system(self) -> Any:
        """Every count and identity as one sparse matrix over the base cells (built once;
        rebuilt if counts were added since)."""
        if getattr(self, "_built", None) and self._built[0] == len(self.cells):
            return self._built
        import numpy as np
        from scipy.sparse import csr_matrix

        keys = sorted(self.base, key=repr)
        position = {k: i for i, k in enumerate(keys)}
        data, rows, cols = [], [], []
        for r, terms in enumerate([c.terms for c in self.cells] + self.identities):
            for k, c in terms.items():
                rows.append(r)
                cols.append(position[k])
                data.append(c)
        size = (len(self.cells) + len(self.identities), len(keys))
        matrix = csr_matrix((data, (rows, cols)), shape=size)
        rhs = np.array([c.value for c in self.cells] + [0] * len(self.identities), dtype=float)
        bounds = [(self.base[k], self.base[k]) if k in self.fixed else (0, None) for k in keys]
        self._built = (len(self.cells), matrix, rhs, bounds, position)
        return self._built

    def range_of(self, index: int, hidden: set[int]) -> tuple[float, float]:
        """The least and most the count `index` can be, from the shown counts."""
        import numpy as np
        from scipy.optimize import linprog

        target = self.cells[index]
        if not target.terms:  # a count no fact could fall in: zero, and known to be
            return 0.0, 0.0
        _, matrix, rhs, bounds, position = self._system()
        keep = [r for r in range(matrix.shape[0]) if r >= len(self.cells) or r not in hidden]
        a_eq, b_eq = matrix[keep], rhs[keep]
        objective = np.zeros(matrix.shape[1])
        for k, c in target.terms.items():
            objective[position[k]] = c
        found = []
        for sign in (1, -1):
            result = linprog(sign * objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if result.status == 3:  # unbounded
                found.append(math.inf if sign < 0 else -math.inf)
            elif result.status != 0:
                raise RuntimeError(f"The disclosure check failed: {result.message}")
            else:
                found.append(sign * result.fun)
        return found[0], found[1]

    def _component(self, start: set[Key], hidden: set[int]) -> set[Key]:
        """The base cells linked to `start` through shown counts and identities."""
        links = [set(c.terms) for j, c in enumerate(self.cells) if j not in hidden]
        links += [set(i) for i in self.identities]
        found, frontier = set(start), set(start)
        while frontier:
            grown = set()
            for link in links:
                if link & frontier and not link <= found:
                    grown |= link - found
            found |= grown
            frontier = grown
        return found

    def protected(self, index: int, hidden: set[int]) -> bool:
        """Whether the count `index` ranges at least `PROTECTION` wide: `range_of`'s answer,
        by a cheaper proof where there is one."""
        return self._attack().wide(index, hidden, PROTECTION)

    def pinned(self, index: int, hidden: set[int]) -> bool:
        """Whether the shown counts fix the count `index` exactly (a range under 0.5)."""
        return not self._attack().wide(index, hidden, 0.5)

    def _attack(self) -> _Attack:
        if getattr(self, "_attacker", None) is None or self._attacker.size != len(self.cells):
            self._attacker = _Attack(self)
        return self._attacker

    # The defence -----------------------------------------------------------------------

    def protect(self) -> set[int]:
        """Which counts to hide: the primaries, and enough others to protect them. The
        answer depends only on the counts and how they add up, so it is kept for the next
        download of the same page (each of a page's tables is its own download)."""
        signature = self._signature()
        if signature in _DONE:
            _DONE.move_to_end(signature)
            return set(_DONE[signature])
        try:
            hidden = self._protect()
        finally:
            self._attacker = None  # its solver and points are only for this check
        _DONE[signature] = frozenset(hidden)
        while len(_DONE) > _KEEP:
            _DONE.popitem(last=False)
        return hidden

    def _signature(self) -> str:
        parts = [
            sorted((repr(k), v) for k, v in self.base.items()),
            sorted(repr(k) for k in self.fixed),
            [sorted((repr(k), c) for k, c in i.items()) for i in self.identities],
            [
                (sorted((repr(k), c) for k, c in cell.terms.items()), cell.value)
                for cell in self.cells
            ],
        ]
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def _protect(self) -> set[int]:
        self._lines = _Lines(self.cells)
        # A count no fact could fall in (no base cells) says nothing: it is shown.
        hidden = {i for i, c in enumerate(self.cells) if c.primary and c.terms}
        hidden |= self._same_terms(hidden)
        pending = sorted(i for i in hidden if self.cells[i].primary)
        for index in pending:
            while not self.protected(index, hidden):
                extra = self._complement(index, hidden) - hidden
                if not extra:  # nothing left to hide: the identities alone pin it
                    break
                hidden |= extra | self._same_terms(extra)
        # A hidden count that the shown ones pin exactly hides nothing: show it.
        for index in sorted(hidden):
            if not self.cells[index].primary and self.pinned(index, hidden):
                hidden = hidden - {index}
        return hidden

    def _same_terms(self, chosen: set[int]) -> set[int]:
        """A count shown twice is hidden everywhere once hidden anywhere."""
        return {j for i in chosen for j in self._lines.twins[self._lines.signature[i]]}

    def _complement(self, index: int, hidden: set[int]) -> set[int]:
        target = self._lines.keys[index]
        lines = sorted(
            (
                j
                for j in self._lines.touching(target)
                if j not in hidden and len(self._lines.keys[j]) > 1
            ),
            key=lambda j: (len(self._lines.keys[j]), j),
        )
        for line in lines:
            siblings = [
                j
                for j in self._lines.within(line)
                if j not in hidden and j != line and not self._lines.keys[j] & target
            ]
            if siblings:
                big = [j for j in siblings if self.cells[j].value >= SUPPRESS_BELOW]
                pool = big or siblings
                return {min(pool, key=lambda j: (self.cells[j].value, j))}
        if lines:
            return {lines[0]}
        # Nothing shown shares a base cell with it, yet it is pinned (by identities alone):
        # hide whatever shown count touches its component.
        component = self._component(set(target), hidden)
        return {
            j for j, c in enumerate(self.cells) if j not in hidden and set(c.terms) & component
        } or {index}


class _Lines:
    """How the counts overlap, worked out once for a check: which counts share a base cell,
    which lie inside which, which are the same count shown twice."""

    def __init__(self, cells: list[Cell]) -> None:
        self.cells = cells
        self.keys = [frozenset(c.terms) for c in cells]
        self.signature = [frozenset(c.terms.items()) for c in cells]
        self.twins: dict[frozenset, list[int]] = {}
        self.by_key: dict[Key, list[int]] = {}
        for j, cell in enumerate(cells):
            self.twins.setdefault(self.signature[j], []).append(j)
            for key in cell.terms:
                self.by_key.setdefault(key, []).append(j)
        self._within: dict[int, list[int]] = {}

    def touching(self, keys: frozenset) -> set[int]:
        """The counts that share a base cell with `keys`."""
        return {j for key in keys for j in self.by_key.get(key, ())}

    def within(self, line: int) -> list[int]:
        """The counts of more than zero whose base cells all lie inside `line`'s, in order
        (a count of zero has base cells, or none, and is never a sibling)."""
        if line not in self._within:
            inside = self.keys[line]
            self._within[line] = sorted(
                j
                for j in self.touching(inside)
                if self.keys[j] <= inside and self.cells[j].value > 0
            )
        return self._within[line]


class _Attack:
    """`range_of`'s question for the defence (is a hidden count's range at least so wide?)
    answered with as few linear programmes as it can, each started from the last one's
    answer. A shortcut answers only when it proves the answer; otherwise the programme does:

    - **a free cell**: a base cell of the count that no shown count, identity or fixed cell
      mentions can be any size, so the count's range is unbounded (wide);
    - **caps**: a shown count or identity that is, term by term, at least (or at most) the
      count bounds it from above (or below), as does the cells' being at least zero; caps
      closer than the width prove the range narrow;
    - **witnesses**: the true base, and every solution a programme found, rounded, are
      integer points; one whose broken equations (worked out exactly, in integers) are all
      hidden is a set of counts the reader cannot rule out, so the values the count takes
      at such points are values it can be, and their spread proves the range wide;
    - **the programme**: the most first (unbounded, or with a witness or a cap, it answers
      alone), then the least. One HiGHS model of every count and identity is kept; hiding a
      count frees its row, and each solve starts from the last one's basis.

    The shortcuts rest on the true base satisfying every count and identity, which it does
    by construction; if it ever did not, or the solver is not there, or it stops short of
    an answer, the question goes to `range_of` as it stands."""

    def __init__(self, ledger: Ledger) -> None:
        import numpy as np

        self.ledger, self.size = ledger, len(ledger.cells)
        _, matrix, _, _, position = ledger._system()
        self.position = position
        self.matrix = matrix.astype(np.int64)
        self.columns = self.matrix.tocsc()
        self.rhs = np.array(
            [c.value for c in ledger.cells] + [0] * len(ledger.identities), dtype=np.int64
        )
        self.truth = np.zeros(matrix.shape[1], dtype=np.int64)
        self.fixed = np.zeros(matrix.shape[1], dtype=bool)
        for key, column in position.items():
            self.truth[column] = ledger.base[key]
            self.fixed[column] = key in ledger.fixed
        self.sound = bool(
            (self.matrix @ self.truth == self.rhs).all() and (self.truth[~self.fixed] >= 0).all()
        )
        self.points = np.zeros((0, matrix.shape[1]), dtype=np.int64)
        self.breaks = np.zeros((0, self.size), dtype=bool)  # the counts each point breaks
        self._witness(self.truth)
        self._solver: _Programme | bool | None = None
        self._cap_rows: dict[int, tuple[Any, Any, Any, Any]] = {}

    def wide(self, index: int, hidden: set[int], width: float) -> bool:
        """Whether `range_of(index, hidden)` is at least `width` wide."""
        import numpy as np

        terms = {k: c for k, c in self.ledger.cells[index].terms.items() if c}
        if not terms or not self.sound:
            return self._range_of(index, hidden, width)
        columns = np.array([self.position[k] for k in terms])
        coefficients = np.array(list(terms.values()), dtype=np.int64)
        if self._free_cell(columns, hidden):
            return True
        values = self._values(columns, coefficients, hidden)
        if values.max() - values.min() >= width:
            return True
        low, high = self._caps(index, hidden)
        if high - low < width:
            return False
        return self._solve(index, columns, coefficients, hidden, width)

    def _range_of(self, index: int, hidden: set[int], width: float) -> bool:
        low, high = self.ledger.range_of(index, hidden)
        return high - low >= width

    def _shown(self, hidden: set[int]) -> Any:
        """Which rows (counts, then identities) the reader sees."""
        import numpy as np

        shown = np.ones(self.matrix.shape[0], dtype=bool)
        shown[[i for i in hidden if i < self.size]] = False
        return shown

    def _free_cell(self, columns: Any, hidden: set[int]) -> bool:
        starts, rows = self.columns.indptr, self.columns.indices
        for column in columns:
            if self.fixed[column]:
                continue
            if all(
                r < self.size and r in hidden for r in rows[starts[column] : starts[column + 1]]
            ):
                return True
        return False

    def _caps(self, index: int, hidden: set[int]) -> tuple[float, float]:
        """Bounds on the least and the most the count can be, each from one shown count or
        identity that shares a base cell with it (or from the cells' being at least zero)."""
        if index not in self._cap_rows:
            self._cap_rows[index] = self._cap_lines(index)
        rows, ends, above, below = self._cap_rows[index]
        import numpy as np

        shown = np.concatenate([[True], self._shown(hidden)[rows]])  # the zeros, the rows
        shown = np.concatenate([shown, shown])  # either way round
        above, below = above & shown, below & shown
        return (
            ends[below].max() if below.any() else -math.inf,
            ends[above].min() if above.any() else math.inf,
        )

    def _cap_lines(self, index: int) -> tuple[Any, Any, Any, Any]:
        """For each row sharing a base cell with the count, either way round, and the row of
        zeros: the bound it gives (its value less what its fixed cells add) and whether it
        bounds the count from above (at least its every other term) or below."""
        import numpy as np

        terms = {k: c for k, c in self.ledger.cells[index].terms.items() if c}
        columns = np.array([self.position[k] for k in terms])
        starts, indices = self.columns.indptr, self.columns.indices
        rows = np.unique(np.concatenate([indices[starts[c] : starts[c + 1]] for c in columns]))
        part = self.matrix[rows]
        support = np.union1d(part.indices, columns)  # outside it, rows and count are zero
        target = np.zeros(support.size, dtype=np.int64)
        target[np.searchsorted(support, columns)] = list(terms.values())
        lines = np.vstack([np.zeros((1, support.size), dtype=np.int64), part[:, support].toarray()])
        values = np.concatenate([[0], self.rhs[rows]])
        lines, values = np.vstack([lines, -lines]), np.concatenate([values, -values])
        excess = lines - target  # each row (either way round) less the count
        fixed = self.fixed[support]
        ends = values - excess[:, fixed] @ self.truth[support][fixed]
        above = (excess[:, ~fixed] >= 0).all(axis=1)
        below = (excess[:, ~fixed] <= 0).all(axis=1)
        return rows, ends, above, below

    def _values(self, columns: Any, coefficients: Any, hidden: set[int]) -> Any:
        """The count at each point the reader cannot rule out (the truth among them)."""
        shown = self._shown(hidden)[: self.size]
        usable = ~(self.breaks & shown).any(axis=1)
        return self.points[usable][:, columns] @ coefficients

    def _witness(self, point: Any) -> None:
        import numpy as np

        if (point[~self.fixed] < 0).any() or (point[self.fixed] != self.truth[self.fixed]).any():
            return
        broken = self.matrix @ point != self.rhs
        if broken[self.size :].any():  # an identity always holds
            return
        self.points = np.vstack([self.points, point])
        self.breaks = np.vstack([self.breaks, broken[: self.size]])

    def _solve(
        self, index: int, columns: Any, coefficients: Any, hidden: set[int], width: float
    ) -> bool:
        import numpy as np

        if self._solver is None:
            self._solver = _Programme.over(self) or False  # False: no binding, use linprog
        if not self._solver:
            return self._range_of(index, hidden, width)
        objective = np.zeros(self.matrix.shape[1])
        objective[columns] = coefficients
        most = self._solver.most(objective, hidden)
        if most is None:
            return self._range_of(index, hidden, width)
        if most[0] == math.inf:
            return True
        self._witness(most[1])
        if most[0] - self._values(columns, coefficients, hidden).min() >= width:
            return True
        if most[0] - self._caps(index, hidden)[0] < width:
            return False
        least = self._solver.most(-objective, hidden)
        if least is None:
            return self._range_of(index, hidden, width)
        if least[0] == math.inf:
            return True
        self._witness(least[1])
        return most[0] + least[0] >= width


class _Programme:
    """One HiGHS model of every count and identity over the base cells, kept between
    solves: a hidden count's row is freed, a shown one's holds, and each solve starts from
    the basis the last one ended on (a few pivots, where a fresh start is hundreds).
    HiGHS is the one scipy ships (its own binding, since `linprog` starts afresh each time;
    scipy is pinned exactly, and without the binding the check uses `linprog`)."""

    def __init__(self, highs: Any, core: Any, attack: _Attack) -> None:
        self.highs, self.core, self.attack = highs, core, attack
        self.freed: set[int] = set()

    @classmethod
    def over(cls, attack: _Attack) -> _Programme | None:
        import numpy as np

        try:
            from scipy.optimize._highspy import _core as core
        except ImportError:  # pragma: no cover - scipy moved its binding
            return None
        highs = core._Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("presolve", "off")  # keeps the basis from solve to solve
        matrix = attack.matrix.tocsc().astype(float)
        lp = core.HighsLp()
        lp.num_row_, lp.num_col_ = matrix.shape
        lp.a_matrix_.num_row_, lp.a_matrix_.num_col_ = matrix.shape
        lp.a_matrix_.format_ = core.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_ = matrix.indptr, matrix.indices
        lp.a_matrix_.value_ = matrix.data
        lp.col_cost_ = np.zeros(matrix.shape[1])
        truth = attack.truth.astype(float)
        lp.col_lower_ = np.where(attack.fixed, truth, 0.0)
        lp.col_upper_ = np.where(attack.fixed, truth, np.inf)
        lp.row_lower_ = lp.row_upper_ = attack.rhs.astype(float)
        if highs.passModel(lp) == core.HighsStatus.kError:
            return None
        return cls(highs, core, attack)

    def most(self, objective: Any, hidden: set[int]) -> tuple[float, Any] | None:
        """The most `objective` can be with `hidden` rows freed, and a point where it is
        (infinity if unbounded; None if the solver stops short of an answer)."""
        import numpy as np

        hidden = {i for i in hidden if i < self.attack.size}
        for row in hidden - self.freed:
            self.highs.changeRowBounds(row, -np.inf, np.inf)
        for row in self.freed - hidden:
            value = float(self.attack.rhs[row])
            self.highs.changeRowBounds(row, value, value)
        self.freed = hidden
        count = objective.size
        self.highs.changeColsCost(count, np.arange(count, dtype=np.int32), -objective)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == self.core.HighsModelStatus.kUnbounded:
            return math.inf, None
        if status != self.core.HighsModelStatus.kOptimal:
            return None
        point = np.rint(np.array(self.highs.getSolution().col_value)).astype(np.int64)
        return -self.highs.getInfo().objective_function_value, point
