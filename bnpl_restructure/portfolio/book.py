"""The loan book: a frame's rows validated into loans, each batch-computable or a Plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ..calendar import Frequency
from ..daycount import DayCount
from ..errors import BnplError, InvalidArgumentError
from ..money import Currency, parse_money
from ..plans import Plan, PlanKind, _rate
from ..rates import parse_rate
from ..rounding import RoundingPolicy
from .columns import COLUMNS, read_frame
from .validation import (
    PARSERS,
    RowError,
    ValidationReport,
    build_plan,
    first_error_by_row,
    money_minor,
    parse_column,
    plan_kwargs,
)

__all__ = ["BatchTerms", "Book", "load_book"]

#: The cells besides kind, amount, currency, installments and start that reach a plan.
TERM_COLUMNS = tuple(c for c in COLUMNS
                     if c not in ("loan_id", "amount", "kind", "currency", "installments",
                                  "start"))
_BATCH_KINDS = (PlanKind.ANNUITY, PlanKind.EQUAL_PRINCIPAL, PlanKind.FLAT_FEE)
_ERROR_COLUMN = {"principal": "amount", "due_dates": "first_due"}


@dataclass(frozen=True, slots=True)
class BatchTerms:
    """What the batch kernel needs of loans that share these terms: the kind, the rate
    of one period (interest for annuity / equal principal, the fee for a flat fee), the
    frequency and the rounding policy."""

    kind: PlanKind
    rate: Fraction
    frequency: Frequency
    rounding: RoundingPolicy


@dataclass(frozen=True, slots=True, kw_only=True)
class Book:
    """The valid loans of a frame (internal; :class:`Portfolio` wraps it).

    ``terms[k]`` is a :class:`BatchTerms` for a loan the batch kernel computes, or the
    loan's :class:`~bnpl_restructure.Plan` (built by the single-plan API) otherwise.
    """

    loan_id: npt.NDArray[Any]
    rows: npt.NDArray[np.intp]
    kind: tuple[PlanKind, ...]
    currency: tuple[Currency, ...]
    principal: tuple[int, ...]
    installments: npt.NDArray[np.int64]
    start: tuple[date, ...]
    due_dates: tuple[tuple[date, ...], ...]
    terms: tuple[BatchTerms | Plan, ...]
    cells: Mapping[str, npt.NDArray[Any]]
    report: ValidationReport

    def __len__(self) -> int:
        return len(self.principal)

    def plan(self, index: int) -> Plan:
        """Loan ``index`` through the single-plan API (the same call the book makes)."""
        term = self.terms[index]
        if isinstance(term, Plan):
            return term
        cells = {name: values[index] for name, values in self.cells.items()}
        cells.update(installments=int(self.installments[index]), start=self.start[index],
                     currency=self.currency[index])
        return build_plan(self.kind[index],
                          self.currency[index].to_major(self.principal[index]), cells)


def _installment_cells(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A float column of whole numbers (pandas turns an int column with a gap into
    float64) read as ints; other values as they are."""
    if values.dtype != object:
        return values.astype(object)
    out = values.copy()
    for k, v in enumerate(out.tolist()):
        if isinstance(v, float) and v.is_integer():
            out[k] = int(v)
    return out


def _full(n: int, value: Any) -> npt.NDArray[Any]:
    out = np.empty(n, dtype=object)
    out[:] = [value] * n
    return out


def _batch_terms(kind: PlanKind, currency: Currency,
                 cells: Mapping[str, Any]) -> BatchTerms | None:
    """The batch terms of a loan with these cells, or ``None`` when the batch kernel
    does not cover them (other day counts, an odd first period, fixed fees, ...).

    Raises what the single-plan constructor raises for these cells."""
    if kind not in _BATCH_KINDS or cells.get("first_due") is not None:
        return None
    kwargs = plan_kwargs(kind, cells)
    frequency = Frequency.parse(kwargs.get("frequency", "monthly"))
    rounding = kwargs.get("rounding") or RoundingPolicy()
    if kind is PlanKind.FLAT_FEE:
        if kwargs.get("fee_rate") is None:
            return None
        rate = parse_rate(kwargs["fee_rate"], argument="fee_rate",
                          plain_limit=Fraction(1, 10))
    else:
        rate = _rate(kwargs.get("annual_rate"), kwargs.get("periodic_rate"),
                     frequency=frequency, convention=kwargs.get("rate_convention", "nominal"),
                     compounding_per_year=None)
        fee = parse_money(kwargs.get("fee", 0), currency, argument="fee", allow_zero=True)
        if fee or DayCount.parse(kwargs.get("day_count", "per_period")) \
                is not DayCount.PER_PERIOD:
            return None
        if "odd_days" in kwargs:
            PARSERS["odd_days"](kwargs["odd_days"])
    return BatchTerms(kind=kind, rate=rate, frequency=frequency, rounding=rounding)


def _error_column(exc: BnplError, cells: Mapping[str, Any]) -> str:
    argument = getattr(exc, "argument", "")
    name = argument.split(".")[0].split("[")[0]
    name = _ERROR_COLUMN.get(name, name)
    if name in ("annual_rate", "periodic_rate") and cells.get(name) is None \
            and cells.get("rate") is not None:
        return "rate"
    return name if name in COLUMNS else "row"


def load_book(frame: Any, *, columns: Mapping[str, str] | None, amount_units: str,
              errors: str, defaults: Mapping[str, Any] | None) -> Book:
    """Read and validate a frame (see :meth:`Portfolio.from_frame`)."""
    if amount_units not in ("major", "minor"):
        raise InvalidArgumentError("amount_units", "must be 'major' or 'minor'",
                                   received=amount_units)
    if errors not in ("raise", "collect"):
        raise InvalidArgumentError("errors", "must be 'raise' or 'collect'", received=errors)
    n, cols = read_frame(frame, columns)
    for name, value in (defaults or {}).items():
        if name not in COLUMNS or name in ("loan_id", "amount"):
            raise InvalidArgumentError("defaults", "keys must be book columns other than "
                                       "loan_id and amount", received=name)
        if name not in cols:
            cols[name] = _full(n, value)
        elif cols[name].dtype == object:
            cols[name] = cols[name].copy()
            cols[name][[v is None for v in cols[name].tolist()]] = value
    kinds, bad_kind = parse_column(cols.get("kind", _full(n, "annuity")), PARSERS["kind"],
                                   PlanKind.ANNUITY)
    currencies, bad_currency = parse_column(cols.get("currency", _full(n, None)),
                                            Currency.of, Currency.of("CNY"))
    counts, bad_count = parse_column(_installment_cells(cols["installments"]),
                                     PARSERS["installments"], None)
    starts, bad_start = parse_column(cols["start"], PARSERS["start"], None)
    amount = cols["amount"]
    principals, bad_amount = money_minor(amount.astype(object), currencies,
                                         units=amount_units, argument="principal",
                                         allow_zero=False)
    required = {name: {k: f"{name}: is required" for k, v in enumerate(values) if v is None}
                for name, values in (("amount", principals), ("installments", counts),
                                     ("start", starts))}
    bad = first_error_by_row(("loan_id", {k: "loan_id: is required" for k, v in enumerate(
        cols["loan_id"].tolist()) if v is None}), ("kind", bad_kind),
        ("currency", bad_currency), ("amount", bad_amount), ("amount", required["amount"]),
        ("installments", bad_count), ("installments", required["installments"]),
        ("start", bad_start), ("start", required["start"]))
    term_cells = {name: cols[name] for name in TERM_COLUMNS if name in cols}
    cell_lists = {name: values.tolist() for name, values in term_cells.items()}
    cache: dict[tuple[Any, ...], Any] = {}
    dates: dict[tuple[date, Frequency, int], Any] = {}
    keep: list[int] = []
    terms: list[BatchTerms | Plan] = []
    due: list[tuple[date, ...]] = []
    for row in range(n):
        if row in bad:
            continue
        kind, currency = kinds[row], currencies[row]
        cells = {name: values[row] for name, values in cell_lists.items()}
        try:
            key = (kind, currency, *((type(v), v) for v in cells.values()))
            hit = cache.get(key, cache)
        except TypeError:
            key, hit = None, cache
        if hit is cache:
            try:
                hit = _batch_terms(kind, currency, cells)
            except BnplError as exc:
                hit = exc
            if key is not None:
                cache[key] = hit
        try:
            if isinstance(hit, BnplError):
                raise hit
            if hit is None:
                full = dict(cells, installments=counts[row], start=starts[row],
                            currency=currency)
                plan = build_plan(kind, currency.to_major(principals[row]), full)
                terms.append(plan)
                due.append(plan.due_dates)
            else:
                when = (starts[row], hit.frequency, counts[row])
                dated = dates.get(when)
                if dated is None:
                    dated = dates[when] = _due_dates(*when)
                if isinstance(dated, BnplError):
                    raise dated
                terms.append(hit)
                due.append(dated)
        except BnplError as exc:
            bad[row] = RowError(row, _error_column(exc, cells), str(exc))
            continue
        keep.append(row)
    report = ValidationReport(tuple(bad[k] for k in sorted(bad)))
    if errors == "raise" and report:
        first = report.errors[0]
        raise InvalidArgumentError(first.column, f"row {first.row}: {first.reason} "
                                   "(errors='collect' reports every bad row and computes "
                                   "the rest)")
    index = np.asarray(keep, dtype=np.intp)
    return Book(loan_id=cols["loan_id"][index], rows=index,
                kind=tuple(kinds[k] for k in keep), currency=tuple(currencies[k] for k in keep),
                principal=tuple(principals[k] for k in keep),  # type: ignore[misc]
                installments=np.asarray([counts[k] for k in keep], dtype=np.int64),
                start=tuple(starts[k] for k in keep), due_dates=tuple(due), terms=tuple(terms),
                cells={name: values[index] for name, values in term_cells.items()},
                report=report)


def _due_dates(start: date, frequency: Frequency, count: int) -> tuple[date, ...] | BnplError:
    """The due dates the single-plan constructor anchors on ``start`` (or its error)."""
    try:
        return frequency._dates(start, 1, 1 + count)
    except (OverflowError, ValueError):
        try:
            frequency.due_dates(start, count + 1)
        except BnplError as exc:
            return exc
        raise
