"""Schedules: the immutable result of running a plan through the core.

A :class:`Schedule` holds its rows as integer minor units and shows them as
:class:`~decimal.Decimal` major units. Every row reconciles exactly:
``payment == principal + interest + fee`` (checked on construction).

Examples
--------
>>> from bnpl_restructure import Plan
>>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3, start="2024-01-15").schedule()
>>> s
<Schedule CNY 1,000.00 · 3 installments 2024-02-15..2024-04-15 · total of payments 1,021.00>
>>> [str(row.payment) for row in s]
['340.33', '340.33', '340.34']
>>> s.total_of_payments, s.total_fees
(Decimal('1021.00'), Decimal('21.00'))
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate
from operator import add as _add
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

from .calendar import parse_date
from .core import Program
from .errors import InvalidArgumentError, InvalidDocumentError, InvalidTermsError
from .money import Currency, format_money
from .persistence import (
    build,
    check_keys,
    envelope,
    open_envelope,
    path,
    read_bool,
    read_currency,
    read_date,
    read_enum,
    read_fraction,
    read_frequency,
    read_int,
    read_list,
    read_mapping,
    read_minor,
    read_optional,
    write_currency,
    write_enum,
    write_fraction,
    write_money,
)
from .records import read_rows
from .rounding import RoundingPolicy

if TYPE_CHECKING:  # pragma: no cover
    from .calendar import Frequency
    from .plans import Plan

__all__ = ["Installment", "Schedule"]

_MONEY = ("payment", "principal", "interest", "fee", "balance")
_new = object.__new__
_set = object.__setattr__
_OPTIONAL = ("capitalized", "waived", "arrears", "forgiven")
_COLUMNS = ("payment", "principal_paid", "interest", "fee", "balance", *_OPTIONAL)


@dataclass(frozen=True, slots=True, kw_only=True)
class Installment:
    """One installment: its number, due date and money in major units.

    ``payment == principal + interest + fee``; ``balance`` is the principal still owed
    after this installment.
    """

    number: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    fee: Decimal
    balance: Decimal

    def __repr__(self) -> str:
        return (f"<Installment #{self.number} {self.due_date.isoformat()}: {self.payment:,} = "
                f"principal {self.principal:,} + interest {self.interest:,} + fee "
                f"{self.fee:,}; balance {self.balance:,}>")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Pretty printers (IPython, Hypothesis' reports) show the short repr."""
        printer.text(repr(self))


def _minor_units(name: str, column: Sequence[Any]) -> tuple[int, ...]:
    """A column as Python ints of minor units: integers (numpy's too) are taken as they
    are, anything else (a float, a bool, a Decimal) is refused, never rounded."""
    out = []
    for k, value in enumerate(column):
        if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
            out.append(int(value))
        else:
            raise InvalidArgumentError(f"{name}[{k}]" if name != "principal" else name,
                                       "must be an int of minor units (convert amounts "
                                       "with Currency.to_minor)", received=value)
    return tuple(out)


_SLOTS = tuple(Installment.__dict__[name].__set__ for name in (
    "number", "due_date", "payment", "principal", "interest", "fee", "balance"))


def _installment(number: int, due_date: date, payment: Decimal, principal: Decimal,
                 interest: Decimal, fee: Decimal, balance: Decimal) -> Installment:
    """An :class:`Installment` from trusted values (the schedule's own columns), its
    slots set directly: a third of the cost of the checked constructor."""
    row = _new(Installment)
    s0, s1, s2, s3, s4, s5, s6 = _SLOTS
    s0(row, number)
    s1(row, due_date)
    s2(row, payment)
    s3(row, principal)
    s4(row, interest)
    s5(row, fee)
    s6(row, balance)
    return row


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """An immutable sequence of installments with totals and views.

    Money columns are tuples of integer minor units (``payment``, ``principal``,
    ``interest``, ``fee``, ``balance``, plus ``capitalized`` / ``waived`` interest, the
    unpaid interest ``arrears`` carried after each row, and principal ``forgiven`` in a
    row by a restructuring); the balance after a row is the previous balance less the
    principal paid, plus interest capitalized, less principal forgiven; iterate or index the
    schedule to get :class:`Installment` rows in major units.

    Parameters
    ----------
    currency
        The currency of every amount.
    start
        The date the schedule runs from (the advance date of a new plan, or the view
        date of :meth:`after`).
    principal
        The principal balance at ``start`` (minor units): the amount financed of a new
        plan, the outstanding balance of a remaining plan.
    first_number
        The installment number of the first row (views keep the original numbering).
    opening_arrears
        Unpaid interest carried into the first row (minor units; nonzero only for a
        view that starts after a row that left interest unpaid).
    source
        The core :class:`~bnpl_restructure.core.Program` that produced the rows, or the
        :class:`~bnpl_restructure.plans.Plan` that compiles to it, when there is one;
        :attr:`program` gives the program either way.
    frequency
        The plan's payment frequency, when known (used to annualize rates).

    Raises
    ------
    InvalidArgumentError
        ``currency`` is not a :class:`~bnpl_restructure.money.Currency`, ``start`` not a
        date, ``due_dates`` not a tuple of dates, ``first_number`` or
        ``opening_arrears`` not an int; a money column (named: ``payment``,
        ``principal_paid``, ...) is not a tuple, does not have one
        value per due date or holds something other than ints of minor units;
        ``principal`` is not an int of minor units.
    InvalidTermsError
        ``payment``: a row's payment is not principal + interest + fee.
    """

    currency: Currency
    start: date
    principal: int
    due_dates: tuple[date, ...]
    payment: tuple[int, ...]
    principal_paid: tuple[int, ...]
    interest: tuple[int, ...]
    fee: tuple[int, ...]
    balance: tuple[int, ...]
    capitalized: tuple[int, ...] = ()
    waived: tuple[int, ...] = ()
    arrears: tuple[int, ...] = ()
    forgiven: tuple[int, ...] = ()
    first_number: int = 1
    opening_arrears: int = 0
    source: Program | Plan | None = field(default=None, repr=False, compare=False)
    frequency: Frequency | None = field(default=None, repr=False, compare=False)
    _rows: tuple[Installment, ...] | None = field(default=None, init=False, repr=False,
                                                  compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.currency, Currency):
            raise InvalidArgumentError("currency", "must be a Currency", received=self.currency)
        if not isinstance(self.start, date):
            raise InvalidArgumentError("start", "must be a date", received=self.start)
        for name in ("due_dates", *_COLUMNS):
            if not isinstance(getattr(self, name), tuple | list | np.ndarray):
                raise InvalidArgumentError(name, "must be a tuple",
                                           received=type(getattr(self, name)).__name__)
        if not all(isinstance(d, date) for d in self.due_dates):
            raise InvalidArgumentError("due_dates", "must be dates")
        for name in ("first_number", "opening_arrears"):
            value = getattr(self, name)
            if type(value) is not int:
                if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                    raise InvalidArgumentError(name, "must be an int", received=value)
                object.__setattr__(self, name, int(value))
        n = len(self.due_dates)
        zeros = (0,) * n
        for name in _OPTIONAL:
            if not getattr(self, name):
                object.__setattr__(self, name, zeros)
        for name in _COLUMNS:
            column = getattr(self, name)
            if len(column) != n:
                raise InvalidArgumentError(name, f"must have one value per due date ({n})",
                                           received=len(column))
            if not all(type(v) is int for v in column):
                object.__setattr__(self, name, _minor_units(name, column))
        if type(self.principal) is not int:
            object.__setattr__(self, "principal", _minor_units("principal",
                                                               (self.principal,))[0])
        if list(map(_add, map(_add, self.principal_paid, self.interest), self.fee)) == list(
                self.payment):
            return
        for k in range(n):
            if self.payment[k] != self.principal_paid[k] + self.interest[k] + self.fee[k]:
                raise InvalidTermsError(
                    "payment", f"row {self.first_number + k} does not reconcile: payment "
                    "must equal principal + interest + fee",
                    received=(self.payment[k], self.principal_paid[k], self.interest[k],
                              self.fee[k]))

    @classmethod
    def _from_columns(cls, columns: Sequence[tuple[int, ...]], *, currency: Currency, start: date,
                      principal: int, due_dates: tuple[date, ...], source: Program | Plan,
                      frequency: Frequency | None) -> Schedule:
        """A schedule straight from the kernel's columns, which reconcile by construction
        (the kernel computes each payment as principal + interest + fee, and a property
        test checks every row), so the checks of ``__init__`` are skipped."""
        self = _new(cls)
        payment, principal_paid, interest, fee, balance, _, capitalized, waived, arrears = (
            columns)
        _set(self, "currency", currency)
        _set(self, "start", start)
        _set(self, "principal", principal)
        _set(self, "due_dates", due_dates)
        _set(self, "payment", payment)
        _set(self, "principal_paid", principal_paid)
        _set(self, "interest", interest)
        _set(self, "fee", fee)
        _set(self, "balance", balance)
        _set(self, "capitalized", capitalized)
        _set(self, "waived", waived)
        _set(self, "arrears", arrears)
        _set(self, "forgiven", (0,) * len(due_dates))
        _set(self, "first_number", 1)
        _set(self, "opening_arrears", 0)
        _set(self, "source", source)
        _set(self, "frequency", frequency)
        _set(self, "_rows", None)
        return self

    @classmethod
    def from_records(cls, rows: Any, *, currency: Any = "CNY", start: Any = None,
                     principal: Any = None, columns: Any = None) -> Schedule:
        """Read another system's schedule into a :class:`Schedule`.

        Parameters
        ----------
        rows
            A sequence of mappings, a CSV file (path or open file) or a pandas DataFrame;
            columns found by their usual names, amounts read exactly (see
            :mod:`bnpl_restructure.records`). Each row needs a due date, and enough
            money columns to know payment, principal and interest (a missing one of the
            three is derived from the others; a missing fee is 0).
        currency
            The amounts' currency.
        start
            The advance date; default the first due date.
        principal
            The amount financed (major units); default the first balance plus the first
            principal, or else the principal parts' sum.
        columns
            Explicit column names, ``{"interest": "Int. charged"}``.

        Raises
        ------
        InvalidArgumentError
            A row cannot be read, lacks a due date, or cannot give payment, principal and
            interest.
        InvalidTermsError
            A row does not add up (payment ≠ principal + interest + fee): compare such a
            table with ``bnpl_restructure.testing.reconcile`` instead, which reads rows as
            they are.

        Examples
        --------
        >>> s = Schedule.from_records([
        ...     {"date": "2024-02-01", "payment": "340.33", "principal": "333.33",
        ...      "fee": "7.00"},
        ...     {"date": "2024-03-01", "payment": "340.34", "principal": "333.34",
        ...      "fee": "7.00"}], start="2024-01-01")
        >>> s
        <Schedule CNY 666.67 · 2 installments 2024-02-01..2024-03-01 · total of payments 680.67>
        """
        cur = Currency.of(currency)
        parsed = read_rows(rows, currency=cur, columns=columns)
        dues, payment, part, interest, fee, balance = [], [], [], [], [], []
        for k, row in enumerate(parsed):
            if row.due_date is None:
                raise InvalidArgumentError(f"rows[{k}].due_date", "is required for a "
                                           "schedule (a due date on every row)")
            f = row.fee or 0
            p, i, pay = row.principal, row.interest, row.payment
            if sum(v is None for v in (p, i, pay)) > 1:
                raise InvalidArgumentError(f"rows[{k}]", "needs two of payment, principal "
                                           "and interest", received=row)
            if pay is None:
                pay = (p or 0) + (i or 0) + f
            elif p is None:
                p = pay - (i or 0) - f
            elif i is None:
                i = pay - p - f
            dues.append(row.due_date)
            payment.append(pay)
            part.append(p or 0)
            interest.append(i or 0)
            fee.append(f)
            balance.append(row.balance)
        if principal is not None:
            opening = cur.to_minor(principal, argument="principal")
        elif balance[0] is not None:
            opening = balance[0] + part[0]
        else:
            opening = sum(part)
        left, balances = opening, []
        for k, value in enumerate(balance):
            left -= part[k]
            balances.append(left if value is None else value)
        return cls(currency=cur, start=parse_date(start if start is not None else dues[0],
                                                  argument="start"),
                   principal=opening, due_dates=tuple(dues), payment=tuple(payment),
                   principal_paid=tuple(part), interest=tuple(interest), fee=tuple(fee),
                   balance=tuple(balances))

    @classmethod
    def from_csv(cls, path: Any, **options: Any) -> Schedule:
        """:meth:`from_records` of a CSV file (a path or an open text file with a header
        row); the same options.

        Raises
        ------
        InvalidArgumentError, InvalidTermsError
            As :meth:`from_records`; ``path`` names a file that cannot be read, or is
            neither a path nor an open text file.
        """
        try:
            return cls.from_records(path, **options)
        except InvalidArgumentError as exc:
            if exc.argument != "rows":
                raise
            raise type(exc)("path", exc.message, received=exc.received) from None

    @property
    def program(self) -> Program | None:
        """The core program that produced the rows (compiled from the plan on first use;
        ``None`` for a schedule built from rows alone)."""
        source = self.source
        if source is None or isinstance(source, Program):
            return source
        return source.program()

    @property
    def rounding_policy(self) -> RoundingPolicy:
        """The rounding policy of the plan the rows came from, so that a payment
        recomputed later (a prepayment, a restructuring) rounds as the plan does; a
        schedule from a period program keeps its interest rounding, one from rows alone
        the default policy."""
        policy = getattr(self.source, "rounding", None)
        if isinstance(policy, RoundingPolicy):
            return policy
        program = self.program
        return RoundingPolicy() if program is None else RoundingPolicy(
            interest=program.interest_rounding)

    # ---------------------------------------------------------------- sequence protocol

    def __len__(self) -> int:
        return len(self.due_dates)

    def __getstate__(self) -> list[Any]:
        """The fields for pickling, without the rows built from them (rebuilt on use)."""
        return [None if name == "_rows" else getattr(self, name, None)
                for name in self.__dataclass_fields__]

    def __setstate__(self, state: list[Any]) -> None:
        for name, value in zip(self.__dataclass_fields__, state, strict=True):
            object.__setattr__(self, name, value)

    def _all_rows(self) -> tuple[Installment, ...]:
        """Every row as an :class:`Installment`, built on first use and kept (a schedule
        is immutable, so reading it again costs nothing)."""
        rows = getattr(self, "_rows", None)  # absent in a schedule pickled before it
        if rows is None:
            majors = self.currency._majors
            first = self.first_number
            rows = tuple(map(_installment, range(first, first + len(self.due_dates)),
                             self.due_dates, majors(self.payment),
                             majors(self.principal_paid), majors(self.interest),
                             majors(self.fee), majors(self.balance)))
            _set(self, "_rows", rows)
        return rows

    @overload
    def __getitem__(self, index: int) -> Installment: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Installment, ...]: ...

    def __getitem__(self, index: int | slice) -> Installment | tuple[Installment, ...]:
        if isinstance(index, slice):
            return self._all_rows()[index]
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"installment index {index} out of range for {n} installments")
        return self._all_rows()[index]

    def __iter__(self) -> Iterator[Installment]:
        return iter(self._all_rows())

    @property
    def installments(self) -> tuple[Installment, ...]:
        """All rows as :class:`Installment` objects."""
        return self._all_rows()

    # ----------------------------------------------------------------------- totals

    def _major(self, minor: int) -> Decimal:
        return self.currency.to_major(minor)

    @property
    def amount(self) -> Decimal:
        """The principal balance at :attr:`start` in major units."""
        return self._major(self.principal)

    @property
    def total_of_payments(self) -> Decimal:
        """Sum of all payments (Regulation Z's "total of payments" for a new plan)."""
        return self._major(sum(self.payment))

    @property
    def total_principal(self) -> Decimal:
        """Sum of the principal parts."""
        return self._major(sum(self.principal_paid))

    @property
    def total_interest(self) -> Decimal:
        """Sum of the interest parts."""
        return self._major(sum(self.interest))

    def running_interest(self) -> tuple[Decimal, ...]:
        """The interest paid so far after each row, from the loan's start.

        For a schedule whose balance is carried unrounded (``balance="exact"`` or
        ``"carried"``) it is the running total of the *unrounded* interest, rounded once
        per row by the interest mode, as such systems print it: the last value is the
        exact total rounded, which the sum of the rounded interest cells need not be.
        Otherwise it is the running sum of the interest column. A view made by
        :meth:`after` or :meth:`until` counts from the loan's start too, when it has the
        program that made it (a schedule read from records counts from its first row).

        Examples
        --------
        >>> from bnpl_restructure import Plan, RoundingPolicy
        >>> s = Plan.annuity("280000", annual_rate="0.084", installments=20,
        ...                  start="2024-01-01", rounding=RoundingPolicy(
        ...                      balance="carried", payment="up", increment="1")).schedule()
        >>> s.running_interest()[-1], s.total_interest
        (Decimal('21034.07'), Decimal('21034.06'))
        """
        program, offset, n = self.program, self.first_number - 1, len(self)
        if program is not None and n and len(program.periods) >= offset + n and (
                program.periods[offset].due == self.due_dates[0]) and (
                program.periods[offset + n - 1].due == self.due_dates[-1]):
            from .core import exact_columns, run_single
            from .rounding import round_ratio

            if program.exact_balance:
                mode = program.interest_rounding
                total, out = Fraction(0), []
                for value in exact_columns(program)["interest"]:
                    total += value
                    out.append(round_ratio(total.numerator, total.denominator, mode))
            else:
                out = list(accumulate(run_single(program).interest))
            return tuple(self.currency._majors(out[offset:offset + n]))
        return tuple(self.currency._majors(list(accumulate(self.interest))))

    @property
    def total_fees(self) -> Decimal:
        """Sum of the fees."""
        return self._major(sum(self.fee))

    @property
    def total_cost(self) -> Decimal:
        """Interest plus fees: what the credit costs over the principal."""
        return self._major(sum(self.interest) + sum(self.fee))

    @property
    def closing_balance(self) -> Decimal:
        """The principal balance after the last row: zero for a plan that pays off; the
        rounding residual of a level payment kept on the last installment
        (``last_installment="level"``), negative when the borrower overpaid.

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> kept = Plan.annuity("10000", annual_rate="0.08", installments=10,
        ...                     start="2024-01-01", currency="USD", last_installment="level")
        >>> kept.schedule()[-1].payment, kept.schedule().closing_balance  # 0.04 still owed
        (Decimal('1037.03'), Decimal('0.04'))
        >>> Plan.annuity("2500", annual_rate="0.0824", installments=12, start="2024-01-01",
        ...              last_installment="level").schedule().closing_balance  # overpaid
        Decimal('-0.03')
        """
        return self._major(self.balance[-1] if self.balance else self.principal)

    @property
    def first_due(self) -> date | None:
        """The first due date (``None`` for an empty view)."""
        return self.due_dates[0] if self.due_dates else None

    @property
    def maturity(self) -> date | None:
        """The last due date (``None`` for an empty view)."""
        return self.due_dates[-1] if self.due_dates else None

    # ----------------------------------------------------------------------- arrays

    def columns(self, *, as_decimal: bool = False) -> dict[str, npt.NDArray[Any]]:
        """The schedule as numpy arrays.

        Returns ``number`` (int64), ``due_date`` (``datetime64[D]``) and the money
        columns ``payment``, ``principal``, ``interest``, ``fee``, ``balance``: int64
        minor units by default (exact, ready for vector arithmetic), or object arrays of
        :class:`~decimal.Decimal` major units with ``as_decimal=True``. Never floats.

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> cols = Plan.pay_in_4("100.01", start="2024-03-01", currency="USD").schedule().columns()
        >>> cols["payment"].tolist(), str(cols["due_date"][-1])
        ([2500, 2500, 2500, 2501], '2024-04-12')
        """
        n = len(self)
        cols: dict[str, npt.NDArray[Any]] = {
            "number": np.arange(self.first_number, self.first_number + n, dtype=np.int64),
            "due_date": np.array(self.due_dates, dtype="datetime64[D]"),
        }
        sources = (self.payment, self.principal_paid, self.interest, self.fee, self.balance)
        for name, values in zip(_MONEY, sources, strict=True):
            if as_decimal:
                cols[name] = np.array(self.currency._majors(values), dtype=object)
            else:
                try:
                    cols[name] = np.array(values, dtype=np.int64)
                except OverflowError:  # past int64: exact Python ints instead
                    cols[name] = np.array(values, dtype=object)
        return cols

    def to_pandas(self, *, money: str = "float") -> Any:
        """The rows as a :class:`pandas.DataFrame` indexed by installment number (needs
        ``pandas``, the ``pandas`` extra).

        Parameters
        ----------
        money
            How the money columns (``payment``, ``principal``, ``interest``, ``fee``,
            ``balance``) come:

            - ``"float"`` (default): float64 in major units, as the figures read, so
              ``df.plot()``, ``df.describe()`` and numpy work at once. Each value is the
              double nearest the exact amount; every amount the library accepts (up to
              ``MAX_AMOUNT``) is far below 2**53 minor units, so rounding
              ``value × 10**exponent`` gives the exact minor units back. Sums of floats
              may differ from the exact sums in the last digits: for ledger arithmetic
              use one of the two exact forms.
            - ``"minor"``: int64 minor units (fen, cents), exact under addition.
            - ``"decimal"``: :class:`~decimal.Decimal` major units (object columns), as
              :meth:`columns` ``(as_decimal=True)``.

        Raises
        ------
        InvalidArgumentError
            ``money`` is not ``"float"``, ``"minor"`` or ``"decimal"``.
        ImportError
            pandas is not installed (``pip install 'bnpl_restructure[pandas]'``).

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
        ...                   start="2024-01-15").schedule()
        >>> s.to_pandas()
                 due_date  payment  principal  interest  fee  balance
        number
        1      2024-02-15   340.33     333.33       0.0  7.0   666.67
        2      2024-03-15   340.33     333.33       0.0  7.0   333.34
        3      2024-04-15   340.34     333.34       0.0  7.0     0.00
        >>> s.to_pandas(money="minor")["payment"].tolist()
        [34033, 34033, 34034]
        >>> s.to_pandas(money="decimal")["payment"].sum()
        Decimal('1021.00')
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas() needs pandas: pip install "
                              "'bnpl_restructure[pandas]'") from exc
        frame = {"due_date": np.array(self.due_dates, dtype="datetime64[D]")}
        sources = (self.payment, self.principal_paid, self.interest, self.fee, self.balance)
        for name, values in zip(_MONEY, sources, strict=True):
            frame[name] = _money_column(values, self.currency, money)
        number = np.arange(self.first_number, self.first_number + len(self), dtype=np.int64)
        return pd.DataFrame(frame, index=pd.Index(number, name="number"))

    def plot(self, **options: Any) -> Any:
        """The schedule's composition as a chart:
        :func:`bnpl_restructure.plot.schedule_chart` (needs matplotlib, the ``plot``
        extra); the same options (``ax=``); returns its Axes.

        Raises
        ------
        InvalidArgumentError
            As :func:`~bnpl_restructure.plot.schedule_chart` (``ax``).
        ImportError
            matplotlib is not installed (``pip install 'bnpl_restructure[plot]'``).
        """
        from .plot import schedule_chart
        return schedule_chart(self, **options)

    # ------------------------------------------------------------------------ views

    def _slice(self, lo: int, hi: int, start: date) -> Schedule:
        opening = self.principal if lo == 0 else self.balance[lo - 1]
        arrears_in = self.opening_arrears if lo == 0 else self.arrears[lo - 1]
        return Schedule(currency=self.currency, start=start, principal=opening,
                        due_dates=self.due_dates[lo:hi], payment=self.payment[lo:hi],
                        principal_paid=self.principal_paid[lo:hi],
                        interest=self.interest[lo:hi], fee=self.fee[lo:hi],
                        balance=self.balance[lo:hi], capitalized=self.capitalized[lo:hi],
                        forgiven=self.forgiven[lo:hi],
                        waived=self.waived[lo:hi], arrears=self.arrears[lo:hi],
                        first_number=self.first_number + lo, opening_arrears=arrears_in,
                        source=self.source,
                        frequency=self.frequency)

    def after(self, when: date | str) -> Schedule:
        """The installments due strictly after ``when``, as a schedule starting there.

        Its ``principal`` is the balance scheduled to be outstanding on ``when``, its
        ``opening_arrears`` the unpaid interest scheduled to be carried past ``when``,
        and its rows keep their original numbers.

        Raises
        ------
        InvalidArgumentError
            ``when`` is not a date (a ``date`` or an ISO string).

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> s = Plan.flat_fee("1200", fee_rate="0.005", installments=12,
        ...                   start="2024-01-10").schedule()
        >>> rest = s.after("2024-06-10")
        >>> rest.first_number, str(rest.amount), str(rest.total_of_payments)
        (6, '700.00', '742.00')
        """
        day = parse_date(when, argument="when")
        lo = sum(1 for d in self.due_dates if d <= day)
        return self._slice(lo, len(self), max(day, self.start))

    def until(self, when: date | str) -> Schedule:
        """The installments due on or before ``when``.

        Raises
        ------
        InvalidArgumentError
            ``when`` is not a date (a ``date`` or an ISO string).
        """
        day = parse_date(when, argument="when")
        hi = sum(1 for d in self.due_dates if d <= day)
        return self._slice(0, hi, self.start)

    # ----------------------------------------------------------------- presentation

    def _fmt(self, minor: int) -> str:
        return format_money(minor, self.currency)

    def __repr__(self) -> str:
        if not self.due_dates:
            return f"<Schedule {self.currency.code} {self._fmt(self.principal)} · empty>"
        word = "installment" if len(self) == 1 else "installments"
        closing = f" · closing balance {self._fmt(self.balance[-1])}" if self.balance[-1] \
            else ""
        return (f"<Schedule {self.currency.code} {self._fmt(self.principal)} · {len(self)} "
                f"{word} {self.due_dates[0].isoformat()}..{self.due_dates[-1].isoformat()} · "
                f"total of payments {self._fmt(sum(self.payment))}{closing}>")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Pretty printers (IPython, Hypothesis' reports) show the short repr."""
        printer.text(repr(self))

    def _table(self) -> tuple[list[str], list[list[str]], list[str]]:
        header = ["#", "due date", "payment", "principal", "interest", "fee", "balance"]
        body = [[str(self.first_number + k), self.due_dates[k].isoformat(),
                 self._fmt(self.payment[k]), self._fmt(self.principal_paid[k]),
                 self._fmt(self.interest[k]), self._fmt(self.fee[k]),
                 self._fmt(self.balance[k])] for k in range(len(self))]
        total = ["", "total", self._fmt(sum(self.payment)), self._fmt(sum(self.principal_paid)),
                 self._fmt(sum(self.interest)), self._fmt(sum(self.fee)), ""]
        return header, body, total

    def to_text(self) -> str:
        """A plain-text table of the rows and totals."""
        header, body, total = self._table()
        rows = [header, *body, total]
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            return "  ".join(c.rjust(w) if i != 1 else c.ljust(w)
                             for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

        rule = "-" * len(line(header))
        return "\n".join([line(header), rule, *(line(r) for r in body), rule, line(total)])

    def __str__(self) -> str:
        return f"{self!r}\n{self.to_text()}"

    def _repr_html_(self) -> str:
        header, body, total = self._table()
        esc = html.escape

        def tr(cells: list[str], tag: str = "td") -> str:
            return "<tr>" + "".join(
                f'<{tag} style="text-align:{"left" if i == 1 else "right"}">{esc(c)}</{tag}>'
                for i, c in enumerate(cells)) + "</tr>"

        return (f"<div><p>{esc(repr(self))}</p><table>"
                f"<thead>{tr(header, 'th')}</thead><tbody>"
                + "".join(tr(r) for r in body)
                + f"</tbody><tfoot>{tr(total, 'th')}</tfoot></table></div>")

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """The schedule as a JSON-safe document (kind ``"schedule"``).

        Every column as money strings exact to the minor unit, the due dates, the
        currency, the numbering and the source (the plan, or the period program with
        every period's fields) when there is one, so that a restored schedule services
        and restructures exactly as this one. :meth:`from_dict` reads it back and checks
        that the columns reconcile. See :mod:`bnpl_restructure.persistence`.

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
        ...                   start="2024-01-15").schedule()
        >>> doc = s.to_dict()
        >>> doc["payment"], sorted(doc["source"])
        (['340.33', '340.33', '340.34'], ['plan'])
        >>> Schedule.from_dict(doc) == s
        True
        """
        return envelope("schedule", self._body())

    def _body(self) -> dict[str, Any]:
        """The fields of :meth:`to_dict` without the envelope."""
        cur = self.currency
        source = self.source
        body: dict[str, Any] = {
            "currency": write_currency(cur),
            "start": self.start.isoformat(),
            "principal": write_money(self.principal, cur),
            "first_number": self.first_number,
            "opening_arrears": write_money(self.opening_arrears, cur),
            "frequency": None if self.frequency is None else self.frequency.name,
            "due_dates": [d.isoformat() for d in self.due_dates],
        }
        for name in _COLUMNS:
            body[name] = [write_money(v, cur) for v in getattr(self, name)]
        if _balance_break(self.principal, self.principal_paid, self.capitalized,
                          self.forgiven, self.balance) is not None:
            body["balances_as_recorded"] = True  # e.g. read from another system's table
        if source is None:
            body["source"] = None
        elif isinstance(source, Program):
            body["source"] = {"program": _program_body(source, cur)}
        else:
            body["source"] = {"plan": source._body()}
        return body

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Schedule:
        """The schedule a :meth:`to_dict` document holds.

        Raises
        ------
        InvalidDocumentError
            A malformed document (a missing field, a float where money belongs, a column
            of the wrong length), one of another kind or a newer version, or columns that
            do not reconcile: a row whose payment is not principal + interest + fee, a
            balance that does not follow from the principal column, rows that are not
            what the stored plan gives. The message names the field's path
            (``"schedule.balance[2]"``).

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> doc = Plan.pay_in_4("100.00", start="2024-03-01").schedule().to_dict()
        >>> doc["principal_paid"][0] = "30.00"
        >>> Schedule.from_dict(doc)
        Traceback (most recent call last):
        ...
        bnpl_restructure.errors.InvalidDocumentError: schedule.payment[0]: must equal \
principal + interest + fee (30.00 + 0.00 + 0.00) (got '25.00')
        """
        return cls._from_body(open_envelope(document, "schedule"), "schedule")

    @classmethod
    def _from_body(cls, body: Mapping[str, Any], where: str) -> Schedule:
        """:meth:`from_dict` of the fields without the envelope; paths below ``where``."""
        check_keys(body, _DOCUMENT_FIELDS, where)
        cur = read_currency(body, "currency", where)
        dues = read_list(body, "due_dates", where)
        n = len(dues)
        cols = {name: tuple(read_minor(values, k, cur, f"{where}.{name}") for k in range(n))
                for name in _COLUMNS
                for values in (read_list(body, name, where, length=n),)}
        source_doc = read_optional(read_mapping, body, "source", where)
        source: Program | Plan | None = None
        if source_doc is not None:
            at = f"{where}.source"
            if len(source_doc) != 1 or set(source_doc) - {"plan", "program"}:
                raise InvalidDocumentError(at, "must be null, {'plan': ...} or "
                                           "{'program': ...}", received=sorted(source_doc))
            if "plan" in source_doc:
                from .plans import Plan

                source = Plan._from_body(read_mapping(source_doc, "plan", at), f"{at}.plan")
            else:
                source = _program_from_body(read_mapping(source_doc, "program", at),
                                            cur, f"{at}.program")
        for k in range(n):
            parts = (cols["principal_paid"][k], cols["interest"][k], cols["fee"][k])
            if cols["payment"][k] != sum(parts):
                raise InvalidDocumentError(
                    f"{where}.payment[{k}]", "must equal principal + interest + fee ("
                    + " + ".join(format(cur.to_major(v), "f") for v in parts) + ")",
                    received=body["payment"][k])
        out = build(where, cls, currency=cur, start=read_date(body, "start", where),
                    principal=read_minor(body, "principal", cur, where),
                    due_dates=tuple(read_date(dues, k, f"{where}.due_dates")
                                    for k in range(n)),
                    first_number=read_int(body, "first_number", where),
                    opening_arrears=read_minor(body, "opening_arrears", cur, where),
                    source=source, frequency=read_optional(read_frequency, body,
                                                           "frequency", where), **cols)
        recorded = read_optional(read_bool, body, "balances_as_recorded", where)
        _check_rows(out, where, recorded=bool(recorded))
        return out


_DOCUMENT_FIELDS = ("currency", "start", "principal", "first_number", "opening_arrears",
                    "frequency", "due_dates", *_COLUMNS, "balances_as_recorded", "source")


def _money_column(values: Sequence[int], currency: Currency, money: str) -> Any:
    """Minor units as a money column of ``to_pandas``: float64 major units, int64 minor
    units or Decimal major units (see :meth:`Schedule.to_pandas`)."""
    if money == "float":
        return np.array([float(v) for v in currency._majors(values)], dtype=np.float64)
    if money == "minor":
        return np.array(values, dtype=np.int64)
    if money == "decimal":
        return np.array(currency._majors(values), dtype=object)
    raise InvalidArgumentError("money", "must be 'float' (major units), 'minor' (int64 "
                               "minor units) or 'decimal' (exact Decimals)", received=money)


def _balance_break(principal: int, paid: Sequence[int], capitalized: Sequence[int],
                   forgiven: Sequence[int], balance: Sequence[int]) -> int | None:
    """The first row whose balance is not the previous balance less the principal paid,
    plus interest capitalized, less principal forgiven (``None`` when every row is)."""
    left = principal
    for k, value in enumerate(balance):
        left += capitalized[k] - paid[k] - forgiven[k]
        if value != left:
            return k
    return None


def _check_rows(schedule: Schedule, where: str, *, recorded: bool) -> None:
    """A restored schedule's rows are what its plan gives (when it has one), and its
    balances follow from its principal column (unless recorded as another system's)."""
    cur = schedule.currency
    source = schedule.source
    if source is not None and not isinstance(source, Program):
        full = source.schedule()
        n = len(schedule)
        starts = [k for k, due in enumerate(full.due_dates) if due == schedule.due_dates[0]] \
            if n else [0, len(full)]  # an empty view: before the first row or after the last
        views = [full._slice(lo, min(lo + n, len(full)), schedule.start) for lo in starts]
        if any(view == schedule for view in views):
            return
        expected = views[0] if views else full
        for name in ("due_dates", *_COLUMNS, "principal", "opening_arrears", "first_number"):
            got, want = getattr(schedule, name), getattr(expected, name)
            if got == want:
                continue
            if isinstance(got, tuple):
                bad = next((k for k, (a, b) in enumerate(zip(got, want, strict=False))
                            if a != b), min(len(got), len(want)))
                at = path(f"{where}.{name}", bad)
                got = got[bad] if bad < len(got) else "no row"
                want = want[bad] if bad < len(want) else "no row"
            else:
                at = f"{where}.{name}"
            if isinstance(got, int) and name != "first_number":
                got, want = format(cur.to_major(got), "f"), format(cur.to_major(want), "f")
            elif isinstance(got, date):
                got, want = got.isoformat(), want.isoformat()
            raise InvalidDocumentError(at, f"must be what the stored plan gives ({want})",
                                       received=got)
        return
    if isinstance(source, Program):
        dues = {p.due for p in source.periods}
        for k, due in enumerate(schedule.due_dates):
            if due not in dues:
                raise InvalidDocumentError(path(f"{where}.due_dates", k), "must be a due "
                                           "date of the stored program",
                                           received=due.isoformat())
    if recorded:
        return
    row = _balance_break(schedule.principal, schedule.principal_paid, schedule.capitalized,
                         schedule.forgiven, schedule.balance)
    if row is not None:
        raise InvalidDocumentError(
            path(f"{where}.balance", row), "must be the previous balance less the principal "
            "paid, plus interest capitalized, less principal forgiven (the principal "
            "column does not reconcile with the balances)",
            received=format(cur.to_major(schedule.balance[row]), "f"))


def _program_body(program: Program, currency: Currency) -> dict[str, Any]:
    """A period program's fields, JSON-safe (every :class:`~bnpl_restructure.core.Period`
    field; an unrounded amount as an exact fraction of minor units)."""
    periods = []
    for period in program.periods:
        row: dict[str, Any] = {"due": period.due.isoformat(),
                               "factor": write_fraction(period.factor),
                               "rule": write_enum(period.rule)}
        if type(period.amount) is int:
            row["amount"] = write_money(period.amount, currency)
        else:
            row["amount_minor"] = write_fraction(Fraction(period.amount))
        row["fee"] = write_money(period.fee, currency)
        row["unpaid"] = write_enum(period.unpaid)
        periods.append(row)
    return {"principal": write_money(program.principal, currency), "periods": periods,
            "interest_rounding": write_enum(program.interest_rounding),
            "exact_balance": program.exact_balance,
            "payment_rounding": write_enum(program.payment_rounding),
            "carried_payoff": program.carried_payoff}


def _program_from_body(body: Mapping[str, Any], currency: Currency, where: str) -> Program:
    """The :class:`~bnpl_restructure.core.Program` of :func:`_program_body`."""
    from .core import PaymentRule, Period, UnpaidInterest
    from .rounding import RoundingMode

    check_keys(body, ("principal", "periods", "interest_rounding", "exact_balance",
                      "payment_rounding", "carried_payoff"), where)
    periods = []
    rows = read_list(body, "periods", where)
    for k in range(len(rows)):
        at = f"{where}.periods[{k}]"
        row = read_mapping(rows, k, f"{where}.periods")
        check_keys(row, ("due", "factor", "rule", "amount", "amount_minor", "fee", "unpaid"),
                   at)
        amount: int | Fraction
        if "amount_minor" in row and "amount" not in row:
            amount = read_fraction(row, "amount_minor", at)
        else:
            amount = read_minor(row, "amount", currency, at)
        periods.append(build(at, Period, due=read_date(row, "due", at),
                             factor=read_fraction(row, "factor", at),
                             rule=read_enum(row, "rule", PaymentRule, at), amount=amount,
                             fee=read_minor(row, "fee", currency, at),
                             unpaid=read_enum(row, "unpaid", UnpaidInterest, at)))
    return build(where, Program, principal=read_minor(body, "principal", currency, where),
                 periods=tuple(periods),
                 interest_rounding=read_enum(body, "interest_rounding", RoundingMode, where),
                 exact_balance=read_bool(body, "exact_balance", where),
                 payment_rounding=read_enum(body, "payment_rounding", RoundingMode, where),
                 carried_payoff=read_bool(body, "carried_payoff", where))
