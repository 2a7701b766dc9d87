"""Row-by-row validation of a loan book, and each loan's single-plan call.

Every cell is read by the parser the single-plan constructors use (``parse_money``,
``parse_rate`` and the rate conventions, ``parse_date``, the enums), once per distinct
value of a column, so a book of a million loans with a few hundred distinct rates and
dates parses each rate and date once. A bad cell becomes a :class:`RowError` (row
number, column, reason); with ``errors="raise"`` the first one is raised instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from ..calendar import Frequency, parse_date
from ..daycount import DayCount
from ..errors import BnplError, InvalidArgumentError
from ..money import Currency, parse_money
from ..plans import OddDays, Plan, PlanKind, _check_installments
from ..rates import RateConvention
from ..rounding import RoundingMode, RoundingPolicy

__all__ = ["RowError", "ValidationReport"]


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell: the frame's row number (0-based position), the canonical column
    and the reason (the library's error message)."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The rows left out of a :class:`~bnpl_restructure.portfolio.Portfolio`, one
    :class:`RowError` per bad row (its first bad cell)."""

    errors: tuple[RowError, ...]

    def __len__(self) -> int:
        return len(self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def rows(self) -> list[int]:
        """The bad rows' numbers, in order."""
        return [e.row for e in self.errors]

    def to_records(self) -> list[dict[str, Any]]:
        """``[{"row": ..., "column": ..., "reason": ...}, ...]`` (for a data frame)."""
        return [{"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors]


#: The keyword arguments each kind's constructor takes from the book (besides principal).
_RATED = ("installments", "start", "annual_rate", "periodic_rate", "first_due", "frequency",
          "currency", "rate_convention", "day_count", "odd_days", "fee", "rounding")
APPLICABLE: dict[PlanKind, tuple[str, ...]] = {
    PlanKind.ANNUITY: _RATED,
    PlanKind.EQUAL_PRINCIPAL: _RATED,
    PlanKind.INTEREST_ONLY: _RATED,
    PlanKind.FLAT_FEE: ("installments", "start", "fee_rate", "total_fee_rate", "first_due",
                        "frequency", "currency", "rounding"),
    PlanKind.PAY_IN_4: ("start", "installments", "frequency", "currency", "rounding"),
}
_CONSTRUCTORS: dict[PlanKind, Callable[..., Plan]] = {
    PlanKind.ANNUITY: Plan.annuity, PlanKind.EQUAL_PRINCIPAL: Plan.equal_principal,
    PlanKind.INTEREST_ONLY: Plan.interest_only, PlanKind.FLAT_FEE: Plan.flat_fee,
    PlanKind.PAY_IN_4: Plan.pay_in_4,
}
_RATE_UNITS = {"year": "annual", "yr": "annual", "annum": "annual", "a": "annual",
               "period": "periodic", "month": Frequency.MONTHLY, "week": Frequency.WEEKLY,
               "quarter": Frequency.QUARTERLY}


def _kind(value: Any) -> PlanKind:
    kind = PlanKind(value) if isinstance(value, PlanKind) else None
    if kind is None:
        text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
        kind = next((k for k in APPLICABLE if k.value == text), None)
    if kind is None or kind not in APPLICABLE:
        raise InvalidArgumentError("kind", f"must be one of {[k.value for k in APPLICABLE]}",
                                   received=value)
    return kind


def _rounding(value: Any) -> RoundingPolicy:
    if isinstance(value, RoundingPolicy):
        return value
    mode = RoundingMode.parse(value, argument="rounding")
    return RoundingPolicy(payment=mode, interest=mode)


def _date(value: Any, argument: str) -> date:
    return parse_date(value, argument=argument)


#: Per column: the parser of one value (what the single-plan constructor checks first).
PARSERS: dict[str, Callable[[Any], Any]] = {
    "kind": _kind,
    "currency": Currency.of,
    "installments": _check_installments,
    "start": lambda v: _date(v, "start"),
    "first_due": lambda v: _date(v, "first_due"),
    "frequency": Frequency.parse,
    "day_count": DayCount.parse,
    "odd_days": OddDays.parse,
    "rate_convention": RateConvention.parse,
    "rounding": _rounding,
}


def split_rate(value: Any) -> tuple[str, Any, Frequency | None]:
    """A ``rate`` cell as ``(argument, value, frequency it implies)``: ``'0.5%/month'``
    is the periodic rate ``'0.5%'`` of a monthly plan; a rate without a period is
    annual."""
    if isinstance(value, str) and "/" in value:
        number, _, unit = value.rpartition("/")
        meaning = _RATE_UNITS.get(unit.strip().lower())
        if meaning is None:
            raise InvalidArgumentError("rate", "must end with its period: '/year', "
                                       "'/month', '/week', '/quarter' or '/period'",
                                       received=value)
        if meaning == "annual":
            return "annual_rate", number.strip(), None
        if meaning == "periodic":
            return "periodic_rate", number.strip(), None
        assert isinstance(meaning, Frequency)
        return "periodic_rate", number.strip(), meaning
    return "annual_rate", value, None


def factorize(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], list[Any]]:
    """Each cell's index into the column's distinct values (``1`` and ``1.0`` and
    ``True`` are distinct: a value is its type and its value), and those values."""
    if values.dtype != object:
        unique, inverse = np.unique(values, return_inverse=True)
        return inverse.reshape(-1).astype(np.intp), unique.tolist()
    cells = values.tolist()
    kinds = set(map(type, cells))
    if len(kinds) == 1 and kinds <= {str, int, date, type(None)}:  # one hashable type
        seen: dict[Any, int] = {}
        found = [seen.setdefault(cell, len(seen)) for cell in cells]
        return np.asarray(found, dtype=np.intp), list(seen)
    table: dict[Any, int] = {}
    levels: list[Any] = []
    codes = np.empty(len(values), dtype=np.intp)
    for row, cell in enumerate(cells):
        try:
            key: Any = (type(cell), cell)
            code = table.get(key)
        except TypeError:  # unhashable: a level of its own
            key, code = ("unhashable", row), None
        if code is None:
            code = table[key] = len(levels)
            levels.append(cell)
        codes[row] = code
    return codes, levels


def parse_levels(levels: list[Any], parse: Callable[[Any], Any], default: Any) -> list[Any]:
    """Each distinct value parsed (``default`` for a missing one), or its error."""
    out: list[Any] = []
    for cell in levels:
        if cell is None:
            out.append(default)
            continue
        try:
            out.append(parse(cell))
        except (BnplError, ValueError, TypeError) as exc:
            out.append(exc)
    return out


def level_errors(codes: npt.NDArray[np.intp], parsed: list[Any],
                 required: str | None = None) -> dict[int, str]:
    """The reason of each row whose value did not parse (or, with ``required`` naming
    the column, is missing)."""
    failed = [k for k, v in enumerate(parsed) if isinstance(v, Exception)
              or (required is not None and v is None)]
    if not failed:
        return {}
    rows = np.flatnonzero(np.isin(codes, failed)).tolist()
    return {row: (f"{required}: is required" if parsed[codes[row]] is None
                  else str(parsed[codes[row]])) for row in rows}


def money_minor(values: npt.NDArray[Any], currencies: list[Any], *, units: str,
                argument: str, allow_zero: bool) -> tuple[list[int | None], dict[int, str]]:
    """Each amount in minor units of its row's currency (``None`` where missing)."""
    out: list[int | None] = [None] * len(values)
    bad: dict[int, str] = {}
    for row, (cell, currency) in enumerate(zip(values.tolist(), currencies, strict=True)):
        if cell is None or currency is None:
            continue
        try:
            if units == "minor":
                if isinstance(cell, bool) or not isinstance(cell, int):
                    raise InvalidArgumentError(argument, "must be an integer number of "
                                               "minor units (amount_units='minor')",
                                               received=cell)
                if cell < (0 if allow_zero else 1):
                    raise InvalidArgumentError(argument, "must be positive", received=cell)
                out[row] = cell
            else:
                out[row] = parse_money(cell, currency, argument=argument,
                                       allow_zero=allow_zero)
        except (BnplError, ValueError, TypeError) as exc:
            bad[row] = str(exc)
    return out, bad


def plan_kwargs(kind: PlanKind, cells: Mapping[str, Any]) -> dict[str, Any]:
    """The single-plan constructor's keyword arguments from one row's cells (missing
    cells left out, so the constructor's own defaults apply).

    Raises
    ------
    InvalidArgumentError
        A cell given that the kind does not take (``fee_rate`` on an annuity), named by
        its column.
    """
    allowed = APPLICABLE[kind]
    kwargs: dict[str, Any] = {}
    for name, value in cells.items():
        if value is None:
            continue
        if name == "rate":
            argument, number, implied = split_rate(value)
            if implied is not None:
                frequency = Frequency.parse(cells.get("frequency") or "monthly")
                if frequency != implied:
                    raise InvalidArgumentError("rate", f"is per {implied.name.lower()}, "
                                               f"but the plan is {frequency.name.lower()}",
                                               received=value)
            name, value = argument, number
        if name not in allowed:
            raise InvalidArgumentError(name, f"does not apply to a {kind.value} plan (leave "
                                       "it empty for such rows)", received=value)
        if name in kwargs:
            raise InvalidArgumentError(name, "is given twice (rate and annual_rate or "
                                       "periodic_rate)", received=value)
        kwargs[name] = _rounding(value) if name == "rounding" else value
    return kwargs


def build_plan(kind: PlanKind, principal_major: Any, cells: Mapping[str, Any]) -> Plan:
    """The loan through the single-plan API: ``Plan.<kind>(principal, **cells)``."""
    return _CONSTRUCTORS[kind](principal_major, **plan_kwargs(kind, cells))


def first_error_by_row(*reports: tuple[str, dict[int, str]]) -> dict[int, RowError]:
    """The first bad cell of each row (columns in the order given)."""
    out: dict[int, RowError] = {}
    for column, bad in reports:
        for row, reason in bad.items():
            out.setdefault(row, RowError(row, column, reason))
    return out


def rows_array(rows: list[int]) -> npt.NDArray[np.intp]:
    return np.asarray(rows, dtype=np.intp)
