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
    factorize,
    first_error_by_row,
    level_errors,
    money_minor,
    parse_levels,
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
    principal: npt.NDArray[Any]
    installments: npt.NDArray[np.int64]
    start: tuple[date, ...]
    term_code: npt.NDArray[np.intp]
    term_table: tuple[Any, ...]
    due_code: npt.NDArray[np.intp]
    due_table: tuple[tuple[date, ...], ...]
    cells: Mapping[str, npt.NDArray[Any]]
    report: ValidationReport

    def __len__(self) -> int:
        return len(self.principal)

    @property
    def terms(self) -> list[BatchTerms | Plan]:
        """Each loan's batch terms or plan (loans of equal terms share one object)."""
        table = self.term_table
        return [table[c] for c in self.term_code.tolist()]

    @property
    def due_dates(self) -> list[tuple[date, ...]]:
        """Each loan's due dates (loans of one start, frequency and term share them)."""
        table = self.due_table
        return [table[c] for c in self.due_code.tolist()]

    def plan(self, index: int) -> Plan:
        """Loan ``index`` through the single-plan API (the same call the book makes)."""
        term = self.term_table[self.term_code[index]]
        if isinstance(term, Plan):
            return term
        cells = {name: values[index] for name, values in self.cells.items()}
        cells.update(installments=int(self.installments[index]), start=self.start[index],
                     currency=self.currency[index])
        return build_plan(self.kind[index],
                          self.currency[index].to_major(int(self.principal[index])), cells)


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


def _combine(codes: list[npt.NDArray[np.intp]], rows: int
             ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The distinct combinations of several code columns: each row's combination index
    and one representative row of each combination."""
    if not codes:
        return np.zeros(rows, dtype=np.intp), np.zeros(min(rows, 1), dtype=np.intp)
    key = np.zeros(rows, dtype=np.int64)
    size = 1
    for column in codes:
        levels = int(column.max()) + 1 if rows else 1
        if size * levels >= 2**62:  # too many combinations for one int64 key
            stacked = np.stack(codes, axis=1)
            _, first, inverse = np.unique(stacked, axis=0, return_index=True,
                                          return_inverse=True)
            return inverse.reshape(-1).astype(np.intp), first.astype(np.intp)
        key = key * levels + column
        size *= levels
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(-1).astype(np.intp), first.astype(np.intp)


def _minor_amounts(values: npt.NDArray[Any], currencies: list[Any], units: str
                   ) -> tuple[npt.NDArray[Any], dict[int, str]]:
    """Each principal in minor units (int64, or object ints beyond it), the bad rows'
    reasons; an int64 column of minor units is checked at once."""
    if units == "minor" and values.dtype == np.int64:
        bad = np.flatnonzero(values < 1).tolist()
        return values, {row: f"principal: must be positive (got {int(values[row])!r})"
                        for row in bad}
    minor, reasons = money_minor(values.astype(object), currencies, units=units,
                                 argument="principal", allow_zero=False)
    for row, value in enumerate(minor):
        if value is None and row not in reasons:
            reasons[row] = "amount: is required"
    ints = [0 if v is None else v for v in minor]
    out = np.asarray(ints, dtype=object)
    if not ints or max(abs(min(ints)), abs(max(ints))) < 2**63:
        out = out.astype(np.int64)
    return out, reasons


def load_book(frame: Any, *, columns: Mapping[str, str] | None, amount_units: str,
              errors: str, defaults: Mapping[str, Any] | None) -> Book:
    """Read and validate a frame (see :meth:`Portfolio.from_frame`).

    Every column is factorized (its distinct values parsed once); the loans' terms are
    worked out once per distinct combination of kind, currency and term cells, and the
    due dates once per distinct start, frequency and term; only loans the batch kernel
    does not cover are built one by one, as plans.
    """
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
    kind_codes, kind_levels = factorize(cols.get("kind", _full(n, "annuity")))
    kind_parsed = parse_levels(kind_levels, PARSERS["kind"], PlanKind.ANNUITY)
    currency_codes, currency_levels = factorize(cols.get("currency", _full(n, None)))
    currency_parsed = parse_levels(currency_levels, Currency.of, Currency.of("CNY"))
    counts = _installment_cells(cols.get("installments", _full(n, None)))
    pay_in_4 = [row for row, code in enumerate(kind_codes.tolist())
                if kind_parsed[code] is PlanKind.PAY_IN_4]
    for row in pay_in_4:  # as Plan.pay_in_4: a blank count is 4
        v = counts[row]
        if v is None or v == "" or (isinstance(v, float) and v != v):
            counts[row] = 4
    count_codes, count_levels = factorize(counts)
    count_parsed = parse_levels(count_levels, PARSERS["installments"], None)
    start_codes, start_levels = factorize(cols["start"])
    start_parsed = parse_levels(start_levels, PARSERS["start"], None)
    currencies = [currency_parsed[c] for c in currency_codes.tolist()]
    principal, bad_amount = _minor_amounts(
        cols["amount"], [None if isinstance(c, Exception) else c for c in currencies],
        amount_units)
    ids = cols["loan_id"]
    missing_id = {} if ids.dtype != object else {
        row: "loan_id: is required" for row, v in enumerate(ids.tolist()) if v is None}
    id_codes, _ = factorize(ids)
    order = np.argsort(id_codes, kind="stable")
    repeated = order[1:][id_codes[order][1:] == id_codes[order][:-1]]
    if repeated.size:  # payments and outputs are matched by id: one loan per id
        first_of: dict[int, int] = {}
        for row in order.tolist():
            first_of.setdefault(int(id_codes[row]), row)
        for row in np.sort(repeated).tolist():
            if row not in missing_id:
                missing_id[row] = (f"loan_id: must be unique; {ids[row]!r} is also row "
                                   f"{first_of[int(id_codes[row])]}")
    bad = first_error_by_row(
        ("loan_id", missing_id), ("kind", level_errors(kind_codes, kind_parsed)),
        ("currency", level_errors(currency_codes, currency_parsed)),
        ("amount", bad_amount),
        ("installments", level_errors(count_codes, count_parsed, "installments")),
        ("start", level_errors(start_codes, start_parsed, "start")))
    good = np.setdiff1d(np.arange(n, dtype=np.intp), np.fromiter(bad, np.intp, len(bad)))
    term_cells = {name: cols[name] for name in TERM_COLUMNS if name in cols}
    term_codes = {name: factorize(values[good]) for name, values in term_cells.items()}
    combo, first = _combine([kind_codes[good], currency_codes[good],
                             *(codes for codes, _ in term_codes.values())], len(good))
    distinct: list[BatchTerms | BnplError | None] = []
    for row in good[first].tolist():
        cells = {name: values[row] for name, values in term_cells.items()}
        try:
            distinct.append(_batch_terms(kind_parsed[kind_codes[row]], currencies[row],
                                         cells))
        except BnplError as exc:
            distinct.append(exc)
    term_code = np.full(n, -1, dtype=np.intp)
    due_code = np.full(n, -1, dtype=np.intp)
    term_table: list[Any] = list(distinct)
    due_table: list[Any] = []
    # due dates once per (start, frequency, installments) among the batch loans
    is_batch = np.array([isinstance(t, BatchTerms) for t in distinct], dtype=bool)
    batch_rows = np.flatnonzero(is_batch[combo]) if len(good) else np.zeros(0, np.intp)
    if batch_rows.size:
        at = good[batch_rows]
        term_of = combo[batch_rows]
        frequencies: dict[Frequency, int] = {}
        frequency_of = np.array([frequencies.setdefault(t.frequency, len(frequencies))
                                 if isinstance(t, BatchTerms) else -1 for t in distinct],
                                dtype=np.intp)
        dated, first_dated = _combine([start_codes[at], frequency_of[term_of],
                                       count_codes[at]], len(at))
        for row, term in zip(at[first_dated].tolist(), term_of[first_dated].tolist(),
                             strict=True):
            batch = distinct[term]
            assert isinstance(batch, BatchTerms)
            due_table.append(_due_dates(start_parsed[start_codes[row]], batch.frequency,
                                        count_parsed[count_codes[row]]))
        term_code[at] = term_of
        due_code[at] = dated
        failed = [k for k, d in enumerate(due_table) if isinstance(d, BnplError)]
        for row in at[np.isin(dated, failed)].tolist() if failed else []:
            bad[row] = RowError(row, "start", str(due_table[due_code[row]]))
    cell_lists = {name: values.tolist() for name, values in term_cells.items()}
    for k in np.flatnonzero(~is_batch[combo]).tolist() if len(good) else []:
        found = distinct[combo[k]]
        row = int(good[k])
        cells = {name: values[row] for name, values in cell_lists.items()}
        try:
            if isinstance(found, BnplError):
                raise found
            currency = currencies[row]
            full = dict(cells, installments=count_parsed[count_codes[row]],
                        start=start_parsed[start_codes[row]], currency=currency)
            plan = build_plan(kind_parsed[kind_codes[row]],
                              currency.to_major(int(principal[row])), full)
        except BnplError as exc:
            bad[row] = RowError(row, _error_column(exc, cells), str(exc))
            continue
        term_code[row] = len(term_table)
        term_table.append(plan)
        due_code[row] = len(due_table)
        due_table.append(plan.due_dates)
    report = ValidationReport(tuple(bad[k] for k in sorted(bad)))
    if errors == "raise" and report:
        first_bad = report.errors[0]
        raise InvalidArgumentError(first_bad.column, f"row {first_bad.row}: "
                                   f"{first_bad.reason} (errors='collect' reports every "
                                   "bad row and computes the rest)")
    keep = np.setdiff1d(good, np.fromiter(bad, np.intp, len(bad)))
    rows = keep.tolist()
    return Book(loan_id=ids[keep], rows=keep,
                kind=tuple(kind_parsed[c] for c in kind_codes[keep].tolist()),
                currency=tuple(currencies[k] for k in rows), principal=principal[keep],
                installments=np.asarray([count_parsed[c] for c in count_codes[keep].tolist()],
                                        dtype=np.int64),
                start=tuple(start_parsed[c] for c in start_codes[keep].tolist()),
                term_code=term_code[keep], term_table=tuple(term_table),
                due_code=due_code[keep], due_table=tuple(due_table),
                cells={name: values[keep] for name, values in term_cells.items()},
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
