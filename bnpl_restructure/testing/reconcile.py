"""Reconcile another system's schedule with the library's, cell by cell, and find the
conventions that explain the difference.

:func:`reconcile` reads their rows (a list of mappings, a CSV file or a pandas DataFrame;
see :mod:`bnpl_restructure.records` for how columns and amounts are read), computes the
plan's schedule, and reports every cell that differs: row, column, theirs, ours and the
difference in minor units, first difference first. When they differ it searches the
named conventions (:data:`CONVENTIONS`: the rounding modes of interest and of the level
payment, where the odd minor units go, the balance carried rounded, unrounded or with
carried precision, the level payment kept on the last row, the payment solved from the
nominal rate, the day count, installments in whole units, each cell rounded on its own
as a spreadsheet prints it) for the options that make the two agree exactly, changing
one option at a time and keeping the change that leaves the fewest cells different, so
the report can say "your system rounds interest half-even and keeps the level payment on
the last row". Everything is exact (integer minor units), deterministic, and fast: a
360-row schedule is searched in well under a second.

Examples
--------
The numpy-financial ``ipmt`` docstring's amortization table (2,500 at 8.24% over 12
months; a spreadsheet table, each cell rounded on its own):

>>> from bnpl_restructure import Plan
>>> theirs = [{"principal": p, "interest": i} for p, i in [
...     ("200.58", "17.17"), ("201.96", "15.79"), ("203.35", "14.40"), ("204.74", "13.01"),
...     ("206.15", "11.60"), ("207.56", "10.18"), ("208.99", "8.76"), ("210.42", "7.32"),
...     ("211.87", "5.88"), ("213.32", "4.42"), ("214.79", "2.96"), ("216.26", "1.49")]]
>>> plan = Plan.annuity("2500", annual_rate="0.0824", installments=12, start="2024-01-01",
...                     currency="USD")
>>> result = reconcile(theirs, plan)
>>> print(result.first_difference)
row 6 principal: theirs 207.56, ours 207.57 (-1 minor unit)
>>> result.conventions
('each cell rounded on its own from the unrounded schedule (a spreadsheet table)',)
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, Final

from ..calendar import _check_int
from ..daycount import DayCount
from ..errors import BnplError, InvalidArgumentError, renamed
from ..plans import LastInstallment, PaymentBasis, Plan, PlanKind
from ..records import FIELDS, Row, read_rows
from ..rounding import BalancePrecision, Residual, RoundingMode
from ..schedule import Schedule
from ..spreadsheet import cell_table

__all__ = ["CONVENTIONS", "Difference", "Reconciliation", "reconcile"]

MAX_STEPS: Final[int] = 5
"""At most this many options are changed together by the convention search."""


@dataclass(frozen=True, slots=True)
class Difference:
    """One cell that differs: ``theirs`` and ``ours`` in major units (or dates), and
    ``minor_units`` = theirs − ours (``None`` for a date or a missing row)."""

    row: int
    column: str
    theirs: Any
    ours: Any
    minor_units: int | None

    def __str__(self) -> str:
        if self.minor_units is None:
            return f"row {self.row} {self.column}: theirs {self.theirs}, ours {self.ours}"
        unit = "minor unit" if abs(self.minor_units) == 1 else "minor units"
        return (f"row {self.row} {self.column}: theirs {self.theirs}, ours {self.ours} "
                f"({self.minor_units:+d} {unit})")


# --------------------------------------------------------------------- our rows


def _our_rows(plan: Plan, cells: bool) -> list[tuple[date, int, int, int, int, int]]:
    """(due date, payment, principal, interest, fee, balance) in minor units."""
    if cells:
        minor = plan.currency.to_minor
        return [(r.due_date, minor(r.payment), minor(r.principal), minor(r.interest),
                 minor(r.fee), minor(r.balance)) for r in cell_table(plan)]
    s = plan.schedule()
    return list(zip(s.due_dates, s.payment, s.principal_paid, s.interest, s.fee, s.balance,
                    strict=True))


_MONEY = ("payment", "principal", "interest", "fee", "balance")


def _compare(theirs: tuple[Row, ...], ours: list[tuple[date, int, int, int, int, int]],
             major: Callable[[int], Decimal]) -> list[Difference]:
    out: list[Difference] = []
    for k, row in enumerate(theirs):
        if k >= len(ours):
            out.append(Difference(row.number, "row", "present", "absent", None))
            continue
        mine = ours[k]
        if row.due_date is not None and row.due_date != mine[0]:
            out.append(Difference(row.number, "due_date", row.due_date.isoformat(),
                                  mine[0].isoformat(), None))
        for column, value in zip(_MONEY, mine[1:], strict=True):
            their = getattr(row, column)
            if their is not None and their != value:
                out.append(Difference(row.number, column, major(their), major(value),
                                      their - value))
    for k in range(len(theirs), len(ours)):
        out.append(Difference(k + 1, "row", "absent", "present", None))
    return out


def _score(differences: list[Difference]) -> tuple[int, int]:
    return len(differences), sum(abs(d.minor_units or 0) for d in differences)


# ------------------------------------------------------------------ conventions


_State = tuple[Plan, bool]  # a plan, and whether its rows are shown cell by cell
_Make = Callable[[], _State]  # builds a variant (it may raise: contradicting options)
_Option = Callable[[_State], Iterator[_Make]]


def _policy(state: _State, **changes: Any) -> _State:
    plan, cells = state  # rebuilt as its constructor would (a split plan re-split)
    return plan.with_rounding(replace(plan.rounding, **changes)), cells


def _plan(state: _State, **changes: Any) -> _State:
    return replace(state[0], **changes), state[1]


def _as_cells(state: _State) -> _State:
    return state[0], True


def _each(field: str, values: Iterable[Any]) -> _Option:
    """The option of setting the rounding policy's ``field`` to each of ``values``."""
    def option(state: _State) -> Iterator[_Make]:
        for value in values:
            yield partial(_policy, state, **{field: value})
    return option


def _last_rows(state: _State) -> Iterator[_Make]:
    if state[0].kind is PlanKind.ANNUITY:
        for last in LastInstallment:
            yield partial(_plan, state, last_installment=last)


def _payment_bases(state: _State) -> Iterator[_Make]:
    if state[0].kind is PlanKind.ANNUITY:
        for basis in PaymentBasis:
            yield partial(_plan, state, payment_basis=basis)


def _day_counts(state: _State) -> Iterator[_Make]:
    """Each day count; for an annuity also with the payment from the nominal rate (the
    two go together in many systems: neither alone brings the rows closer)."""
    plan = state[0]
    if plan.periodic_rate:
        for day_count in DayCount:
            yield partial(_plan, state, day_count=day_count)
            if plan.kind is PlanKind.ANNUITY and day_count is not DayCount.PER_PERIOD:
                yield partial(_plan, state, day_count=day_count,
                              payment_basis=PaymentBasis.NOMINAL)


def _increments(state: _State) -> Iterator[_Make]:
    """Installments in whole units (or tens, hundreds), rounded by each payment mode."""
    for step in ("1", "10", "100"):
        for mode in RoundingMode:
            yield partial(_policy, state, increment=step, payment=mode)
    yield partial(_policy, state, increment=None)


def _cells(state: _State) -> Iterator[_Make]:
    yield partial(_as_cells, state)


CONVENTIONS: Final[tuple[tuple[str, _Option], ...]] = (
    ("interest rounding", _each("interest", RoundingMode)),
    ("payment rounding", _each("payment", RoundingMode)),
    ("residual", _each("residual", Residual)),
    ("last row", _last_rows),
    ("payment basis", _payment_bases),
    ("day count", _day_counts),
    ("increment", _increments),
    ("balance precision", _each("balance", BalancePrecision)),
    ("cell rounding", _cells),
)
"""The conventions :func:`reconcile` searches, in the order it tries them (those run on
exact rationals, slower, last)."""


# ------------------------------------------------------------------------ report


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciliation:
    """What :func:`reconcile` found.

    ``differences``: every cell where their schedule and the plan's differ (first
    difference first). ``conventions``: the options that, changed together, reproduce
    their schedule exactly (empty when it already agrees, or when no combination
    searched does); ``matched``: that plan (``None`` when nothing matched), and
    ``matched_as_cells`` whether it matches as a spreadsheet table (each cell rounded on
    its own) rather than as a schedule; ``closest``: the options that came closest, and
    ``closest_differences`` the cells they leave different.
    """

    plan: Plan | Schedule
    rows_compared: int
    columns: tuple[str, ...]
    differences: tuple[Difference, ...]
    conventions: tuple[str, ...] = ()
    matched: Plan | None = None
    matched_as_cells: bool = False
    closest: tuple[str, ...] = ()
    closest_differences: tuple[Difference, ...] = ()

    @property
    def matches(self) -> bool:
        """Whether their schedule agrees with the plan's to the minor unit."""
        return not self.differences

    @property
    def first_difference(self) -> Difference | None:
        """The first differing cell, in row order (``None`` when they agree)."""
        return self.differences[0] if self.differences else None

    @property
    def explanation(self) -> str:
        """One sentence a person can act on."""
        if self.matches:
            return (f"Your schedule agrees with bnpl_restructure's to the minor unit "
                    f"({self.rows_compared} rows; {', '.join(self.columns)}).")
        first = f"; first: {self.first_difference}"
        if self.matched is not None:
            return (f"{len(self.differences)} cells differ{first}. Your system is "
                    f"reproduced exactly with {'; '.join(self.conventions)}.")
        if self.closest:
            return (f"{len(self.differences)} cells differ{first}. No convention searched "
                    f"reproduces it exactly; closest: {'; '.join(self.closest)} "
                    f"({len(self.closest_differences)} cells differ).")
        return f"{len(self.differences)} cells differ{first}. No convention searched helps."

    def to_text(self, limit: int = 20) -> str:
        """The explanation and the first ``limit`` differing cells.

        Raises
        ------
        InvalidArgumentError
            ``limit`` is not an int of at least 0.
        """
        _check_int(limit, argument="limit", minimum=0)
        lines = [self.explanation]
        lines += [f"  {d}" for d in self.differences[:limit]]
        if len(self.differences) > limit:
            lines.append(f"  ... and {len(self.differences) - limit} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        state = "matches" if self.matches else (
            f"{len(self.differences)} cells differ; matched with {list(self.conventions)}"
            if self.matched is not None else f"{len(self.differences)} cells differ")
        return f"<Reconciliation {self.rows_compared} rows: {state}>"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("row", "column", "theirs", "ours",
                                                  "minor units"))
        body = "".join(
            f"<tr><td>{d.row}</td><td>{d.column}</td><td>{html.escape(str(d.theirs))}</td>"
            f"<td>{html.escape(str(d.ours))}</td>"
            f"<td>{'' if d.minor_units is None else d.minor_units}</td></tr>"
            for d in self.differences[:50])
        return (f"<div><p>{html.escape(self.explanation)}</p><table><thead><tr>{head}</tr>"
                f"</thead><tbody>{body}</tbody></table></div>")


# ----------------------------------------------------------------------- search


def _candidates(state: _State) -> Iterator[_State]:
    """Every one-option change of ``state``, skipping combinations the library refuses
    (contradicting options are typed errors)."""
    for _, option in CONVENTIONS:
        for make in option(state):
            try:
                yield make()
            except BnplError:
                continue


def _rows_of(state: _State) -> list[tuple[date, int, int, int, int, int]] | None:
    try:
        return _our_rows(*state)
    except BnplError:  # a combination the library refuses (contradicting options)
        return None


def reconcile(their_rows: Any, plan: Plan | Schedule, *,
              columns: Mapping[str, str] | None = None, search: bool = True
              ) -> Reconciliation:
    """Compare another system's schedule with the library's and explain the difference.

    Parameters
    ----------
    their_rows
        Their schedule: a sequence of mappings, a CSV file (path or open file) or a pandas
        DataFrame, with any of the columns number, due date, payment, principal, interest,
        fee, balance (found by their usual names, see :mod:`bnpl_restructure.records`),
        or a :class:`~bnpl_restructure.schedule.Schedule`.
    plan
        The loan as the library should compute it: a :class:`~bnpl_restructure.Plan`
        (searched for conventions), or a Schedule (compared only).
    columns
        Explicit column names for those the usual names do not find.
    search
        Search the conventions (:data:`CONVENTIONS`) when the schedules differ.

    Returns
    -------
    Reconciliation

    Raises
    ------
    InvalidArgumentError
        Their rows cannot be read (naming the row and the column), or ``plan`` is not a
        Plan or a Schedule.
    """
    if not isinstance(plan, (Plan, Schedule)):
        raise InvalidArgumentError("plan", "must be a Plan or a Schedule", received=plan)
    currency = plan.currency
    theirs = _their_rows(their_rows, currency.code, columns)
    present = tuple(c for c in FIELDS if c == "number" or any(
        getattr(r, c) is not None for r in theirs))
    major = currency.to_major
    if isinstance(plan, Schedule):
        ours = list(zip(plan.due_dates, plan.payment, plan.principal_paid, plan.interest,
                        plan.fee, plan.balance, strict=True))
        return Reconciliation(plan=plan, rows_compared=len(theirs), columns=present,
                              differences=tuple(_compare(theirs, ours, major)))
    differences = _compare(theirs, _our_rows(plan, False), major)
    result = Reconciliation(plan=plan, rows_compared=len(theirs), columns=present,
                            differences=tuple(differences))
    if not differences or not search:
        return result
    state: _State = (plan, False)
    best, best_diff = _score(differences), differences
    tried = {(plan, False)}
    for _ in range(MAX_STEPS):
        step = None
        for candidate in _candidates(state):
            if candidate in tried:
                continue
            tried.add(candidate)
            rows = _rows_of(candidate)
            if rows is None:
                continue
            found = _compare(theirs, rows, major)
            if _score(found) < best:
                best, best_diff, step = _score(found), found, candidate
                if not found:
                    break  # an exact match: no need to try the rest
        if step is None:
            break
        state = step
        if not best_diff:
            names = _describe(plan, state)
            return replace(result, conventions=names, matched=state[0],
                           matched_as_cells=state[1], closest=names)
    return replace(result, closest=_describe(plan, state),
                   closest_differences=tuple(best_diff))


_BALANCE_LABELS: Final = {
    BalancePrecision.ROUNDED: "the balance rounded every period (a ledger)",
    BalancePrecision.EXACT: "the balance and the payment carried unrounded, shown rounded "
                            "(spreadsheet style)",
    BalancePrecision.CARRIED: "a rounded payment on a balance carried unrounded (carried "
                              "precision)",
}


def _mode(mode: RoundingMode) -> str:
    return mode.value.replace("_", "-")


def _describe(original: Plan, state: _State) -> tuple[str, ...]:
    """The options in which ``state`` differs from ``original``, in words (the search's
    path may change an option twice; the report names where it ended)."""
    plan, cells = state
    before, after = original.rounding, plan.rounding
    out = []
    if after.interest is not before.interest:
        out.append(f"interest rounded {_mode(after.interest)}")
    if after.increment != before.increment:
        out.append("installments to the minor unit" if after.increment is None else
                   f"installments in multiples of {after.increment} (rounded "
                   f"{_mode(after.payment)})")
    elif after.payment is not before.payment:
        out.append(f"the payment rounded {_mode(after.payment)}")
    if after.residual is not before.residual:
        out.append(f"the odd minor units on the {after.residual.value} installment")
    if plan.last_installment is not original.last_installment:
        out.append("the level payment kept on the last row"
                   if plan.last_installment is LastInstallment.LEVEL
                   else "the last row paying off")
    if plan.day_count is not original.day_count:
        out.append(f"interest by the {plan.day_count.value} day count")
    if plan.payment_basis is not original.payment_basis:
        out.append("the payment solved from the nominal rate"
                   if plan.payment_basis is PaymentBasis.NOMINAL
                   else "the payment solved from the periods' own factors")
    if after.balance is not before.balance:
        out.append(_BALANCE_LABELS[after.balance])
    if cells:
        out.append("each cell rounded on its own from the unrounded schedule (a "
                   "spreadsheet table)")
    return tuple(out)


def _their_rows(rows: Any, currency: str, columns: Mapping[str, str] | None
                ) -> tuple[Row, ...]:
    if isinstance(rows, Schedule):
        return tuple(Row(number=rows.first_number + k, due_date=d, payment=rows.payment[k],
                         principal=rows.principal_paid[k], interest=rows.interest[k],
                         fee=rows.fee[k], balance=rows.balance[k])
                     for k, d in enumerate(rows.due_dates))
    try:
        return read_rows(rows, currency=currency, columns=columns)
    except InvalidArgumentError as exc:  # read_rows names "rows"; ours is their_rows
        raise renamed(exc, "rows", "their_rows") from None
