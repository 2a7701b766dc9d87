"""The amortization kernel: one loop over periods, vectorised over loans.

Every plan and every restructuring option compiles to a **period program**: for each
period, the due date, the interest factor (an exact rational), the fee due, the payment
rule and what happens to interest that is not paid. :func:`execute` runs programs for a
whole batch of loans at once (numpy arrays, one row per period, one column per loan);
:func:`run_single` is a pure-Python path for one loan that gives identical rows (a
property test asserts it) and is faster below a few loans.

Money is integer minor units throughout. Each period's interest is
``balance * factor`` evaluated exactly and rounded once by the rounding mode. Where an
int64 product could overflow, the kernel switches to exact Python integers (numpy object
arrays); it never falls back to floats.

Payment rules (per period):

``AMOUNT``
    Pay ``amount`` towards interest (carried arrears first) and then principal; a level
    payment or any fixed payment. Never more than what is owed.
``PRINCIPAL``
    Pay ``amount`` of principal plus all interest due (equal principal, flat fee).
``INTEREST_ONLY``
    Pay the interest due, no principal.
``NOTHING``
    Pay nothing (a payment holiday); the period's interest follows ``unpaid``.
``PAYOFF``
    Pay the whole balance and all interest due (the last installment).
``FIXED``
    Pay exactly ``amount``: interest first, the rest to principal even past the balance.
    Only as a program's last period: a level payment kept on the last installment, the
    rounding residual left as the closing balance (negative when the borrower overpaid),
    as financial calculators show it.

Unpaid interest (per period): ``CAPITALIZE`` adds it to the balance (it earns interest),
``CARRY`` keeps it as non-interest-bearing arrears paid first by later payments, ``WAIVE``
forgives it (reported in the ``waived`` output).

The fee of a period is always due in that period, on top of the rule's payment.

Examples
--------
>>> from fractions import Fraction
>>> from datetime import date
>>> program = Program(principal=100000, periods=tuple(
...     Period(due=date(2024, m, 1), factor=Fraction(1, 100), rule=PaymentRule.PRINCIPAL,
...            amount=50000) for m in (2, 3)))
>>> run_single(program).payment
(51000, 50500)
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any, NamedTuple, cast, overload

import numpy as np
import numpy.typing as npt

from .errors import InvalidArgumentError, InvalidTermsError, parse_enum
from .rounding import RoundingMode, round_ratio, round_ratio_array

__all__ = [
    "Columns",
    "KernelResult",
    "PaymentRule",
    "Period",
    "Program",
    "UnpaidInterest",
    "exact_columns",
    "execute",
    "level_payment",
    "run_batch",
    "run_single",
]

_INT64_SAFE = 2**61  # balance x numerator and denominators stay below this in int64


class PaymentRule(enum.IntEnum):
    """What the borrower pays in a period (see the module docstring)."""

    AMOUNT = 0
    PRINCIPAL = 1
    INTEREST_ONLY = 2
    NOTHING = 3
    PAYOFF = 4
    FIXED = 5


class UnpaidInterest(enum.IntEnum):
    """What happens to interest due but not paid in a period."""

    CAPITALIZE = 0
    CARRY = 1
    WAIVE = 2


# Members as module constants for the single-loan loop (identity tests, no enum lookups).
_AMOUNT, _PRINCIPAL, _NOTHING, _PAYOFF, _FIXED = (
    PaymentRule.AMOUNT, PaymentRule.PRINCIPAL, PaymentRule.NOTHING, PaymentRule.PAYOFF,
    PaymentRule.FIXED)
_CAPITALIZE, _WAIVE = UnpaidInterest.CAPITALIZE, UnpaidInterest.WAIVE


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    """One period of a program.

    Parameters
    ----------
    due
        The due date of the period's installment.
    factor
        The period's interest factor: interest = balance × factor (exact rational).
    rule
        :class:`PaymentRule`.
    amount
        Minor units: the payment for ``AMOUNT``, the principal for ``PRINCIPAL``; an
        int, or an exact Fraction in an exact-balance program (an unrounded level
        payment).
    fee
        Minor units due as a fee in this period.
    unpaid
        :class:`UnpaidInterest`.

    Raises
    ------
    InvalidArgumentError
        ``due`` is not a date; ``factor`` is not a non-negative
        :class:`~fractions.Fraction`; ``amount`` or ``fee`` is not a non-negative int of
        minor units (``amount`` may be a Fraction); ``rule`` or ``unpaid`` is not a member
        (or code) of :class:`PaymentRule` or :class:`UnpaidInterest`.
    """

    due: date
    factor: Fraction
    rule: PaymentRule
    amount: int | Fraction = 0
    fee: int = 0
    unpaid: UnpaidInterest = UnpaidInterest.CARRY

    def __post_init__(self) -> None:
        factor, amount, fee = self.factor, self.amount, self.fee
        if type(factor) is not Fraction:
            raise InvalidArgumentError("factor", "must be a fractions.Fraction (exact)",
                                       received=factor)
        if factor.numerator < 0:
            raise InvalidArgumentError("factor", "must not be negative", received=factor)
        if (type(amount) is not int and type(amount) is not Fraction) or amount < 0:
            raise InvalidArgumentError("amount", "must be a non-negative int of minor units",
                                       received=amount)
        if type(fee) is not int or fee < 0:
            raise InvalidArgumentError("fee", "must be a non-negative int of minor units",
                                       received=fee)
        if type(self.rule) is not PaymentRule:
            object.__setattr__(self, "rule", _member(PaymentRule, self.rule, "rule"))
        if type(self.unpaid) is not UnpaidInterest:
            object.__setattr__(self, "unpaid", _member(UnpaidInterest, self.unpaid, "unpaid"))
        if not isinstance(self.due, date) or isinstance(self.due, datetime):
            raise InvalidArgumentError("due", "must be a datetime.date", received=self.due)


@dataclass(frozen=True, slots=True, kw_only=True)
class Program:
    """A loan's period program: the opening principal and its periods in due order.

    ``interest_rounding`` rounds each period's interest; ``exact_balance`` carries the
    balance at full precision instead (spreadsheet-style, see
    :class:`~bnpl_restructure.rounding.BalancePrecision`). ``carried_payoff`` (with
    ``exact_balance``) publishes the payoff row as ``round(exact balance + exact
    interest)`` rather than as what the published rows still owe: the carried-precision
    rule of systems that pay rounded installments on an unrounded balance.

    Raises
    ------
    InvalidArgumentError
        ``principal`` is not a non-negative int of minor units; ``periods`` is empty or not
        a sequence of :class:`Period`; ``periods[k].amount`` is a Fraction without
        ``exact_balance``; ``periods[k].rule`` is ``FIXED`` before the last period;
        ``carried_payoff`` without ``exact_balance``; a rounding mode is unknown.
    InvalidTermsError
        ``periods``: due dates decrease.
    """

    principal: int
    periods: tuple[Period, ...]
    interest_rounding: RoundingMode = RoundingMode.HALF_UP
    exact_balance: bool = False
    payment_rounding: RoundingMode = RoundingMode.HALF_UP
    carried_payoff: bool = False

    def __post_init__(self) -> None:
        if type(self.interest_rounding) is not RoundingMode:
            object.__setattr__(self, "interest_rounding", RoundingMode.parse(
                self.interest_rounding, argument="interest_rounding"))
        if type(self.payment_rounding) is not RoundingMode:
            object.__setattr__(self, "payment_rounding", RoundingMode.parse(
                self.payment_rounding, argument="payment_rounding"))
        if isinstance(self.principal, bool) or not isinstance(self.principal, int):
            raise InvalidArgumentError("principal", "must be an int of minor units",
                                       received=self.principal)
        if not isinstance(self.periods, tuple | list) or not all(
                isinstance(period, Period) for period in self.periods):
            raise InvalidArgumentError("periods", "must be a tuple of Period objects",
                                       received=self.periods)
        if not self.exact_balance:
            for k, period in enumerate(self.periods):
                if not isinstance(period.amount, int):
                    raise InvalidArgumentError(f"periods[{k}].amount", "must be an int of "
                                               "minor units (a Fraction needs "
                                               "exact_balance=True)", received=period.amount)
        if self.principal < 0:
            raise InvalidArgumentError("principal", "must not be negative",
                                       received=self.principal)
        if not self.periods:
            raise InvalidArgumentError("periods", "a program needs at least one period")

        if self.carried_payoff and not self.exact_balance:
            raise InvalidArgumentError("carried_payoff", "needs exact_balance=True (the "
                                       "balance carried unrounded)", received=True)
        dues = [p.due for p in self.periods]
        if any(b < a for a, b in itertools.pairwise(dues)):
            raise InvalidTermsError("periods", "due dates must not decrease")
        for k, period in enumerate(self.periods):
            if period.rule is _FIXED and (k + 1 < len(self.periods) or self.exact_balance):
                raise InvalidArgumentError(
                    f"periods[{k}].rule", "FIXED (a level payment kept, the residual left "
                    "as the closing balance) is only allowed in the last period of a "
                    "program with a rounded balance", received=period.rule.name)


class Columns(NamedTuple):
    """One loan's executed program, column by column, in minor units.

    Per period: ``payment == principal + interest + fee``; ``interest`` is what was paid
    of the interest due (``accrued`` this period plus arrears carried in); ``balance``
    is the principal balance after the period; ``capitalized`` and ``waived`` are the
    unpaid interest added to the balance or forgiven; ``arrears`` is the unpaid interest
    carried out of the period.
    """

    payment: tuple[int, ...]
    principal: tuple[int, ...]
    interest: tuple[int, ...]
    fee: tuple[int, ...]
    balance: tuple[int, ...]
    accrued: tuple[int, ...]
    capitalized: tuple[int, ...]
    waived: tuple[int, ...]
    arrears: tuple[int, ...]


_COLUMNS = ("payment", "principal", "interest", "fee", "balance", "accrued", "capitalized",
            "waived", "arrears")


@dataclass(frozen=True, slots=True)
class KernelResult:
    """Arrays of shape ``(periods, loans)`` in minor units, one per :class:`Columns` field.

    The arrays are read-only (a result is a record of a run). Columns with nothing in
    them (no fee, nothing capitalized, waived or carried) are one broadcast zero, and
    when no interest is ever left unpaid ``accrued`` is the ``interest`` array itself:
    copy a column (``np.array(result.fee)``) to get a writable array of its own.
    """

    payment: npt.NDArray[Any]
    principal: npt.NDArray[Any]
    interest: npt.NDArray[Any]
    fee: npt.NDArray[Any]
    balance: npt.NDArray[Any]
    accrued: npt.NDArray[Any]
    capitalized: npt.NDArray[Any]
    waived: npt.NDArray[Any]
    arrears: npt.NDArray[Any]

    def loan(self, index: int, periods: int | None = None) -> Columns:
        """The columns of one loan (its first ``periods`` periods), as Python ints.

        Raises
        ------
        InvalidArgumentError
            ``index`` is not the index of a loan of the batch, or ``periods`` is not None or
            a whole number of at least 0.
        """
        loans = self.payment.shape[1] if self.payment.ndim == 2 else 0
        if isinstance(index, bool) or not isinstance(index, int) or not -loans <= index < loans:
            raise InvalidArgumentError("index", f"must be the index of a loan (0 to {loans - 1})",
                                       received=index)
        if periods is not None and (isinstance(periods, bool) or not isinstance(periods, int)
                                    or periods < 0):
            raise InvalidArgumentError("periods", "must be None or a whole number of at least 0",
                                       received=periods)
        return Columns(*(tuple(int(v) for v in getattr(self, name)[:periods, index].tolist())
                         for name in _COLUMNS))


def _member(kind: Any, value: Any, argument: str) -> Any:
    """A member of the int enum ``kind`` from a member, its code or its name."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return kind(value)
        except ValueError:
            pass
    return parse_enum(kind, value, argument=argument)


# --------------------------------------------------------------------------------------
# the single-loan path


def run_single(program: Program) -> Columns:
    """Execute one program with Python integers; identical to :func:`execute`.

    Raises
    ------
    InvalidArgumentError
        ``program`` is not a :class:`Program`.
    """
    if not isinstance(program, Program):
        raise InvalidArgumentError("program", "must be a Program", received=program)
    if program.exact_balance:
        return run_batch([program]).loan(0)
    periods = program.periods
    return _run_raw(
        program.principal, tuple(p.factor.numerator for p in periods),
        tuple(p.factor.denominator for p in periods), tuple(p.rule for p in periods),
        tuple(cast(int, p.amount) for p in periods),  # ints unless exact
        tuple(p.fee for p in periods), tuple(p.unpaid for p in periods),
        program.interest_rounding)


def _run_raw(principal: int, nums: Sequence[int], dens: Sequence[int],
             rules: Sequence[PaymentRule], amounts: Sequence[int], fees: Sequence[int],
             unpaids: Sequence[UnpaidInterest], mode: RoundingMode) -> Columns:
    """One loan's program given column by column (inputs trusted: validated programs):
    the single-loan recurrence on exact Python integers.

    ``nums[k] / dens[k]`` is period ``k``'s interest factor; ``rules`` and ``unpaids``
    are :class:`PaymentRule` and :class:`UnpaidInterest` members (compared by identity).
    Written for CPython's interpreter: enum members and the rounding mode bound to
    locals, half-up rounding of non-negative interest inline, no ``min`` calls, the
    capitalized and waived columns only built when a period needs them.
    """
    balance = principal
    carried = 0
    n = len(nums)
    payment, principal_col, interest_col = [0] * n, [0] * n, [0] * n
    balance_col, accrued_col, arrears_col = [0] * n, [0] * n, [0] * n
    capitalized_col: list[int] | None = None
    waived_col: list[int] | None = None
    amount_rule, nothing, principal_rule, payoff, fixed = (
        _AMOUNT, _NOTHING, _PRINCIPAL, _PAYOFF, _FIXED)
    capitalize, waive = _CAPITALIZE, _WAIVE
    half_up = mode is RoundingMode.HALF_UP
    for k in range(n):
        num = nums[k]
        if num:
            product = balance * num
            den = dens[k]
            if half_up and product >= 0:
                accrued, rest = divmod(product, den)
                if rest + rest >= den:
                    accrued += 1
            else:
                accrued = round_ratio(product, den, mode)
        else:
            accrued = 0
        due = carried + accrued
        rule = rules[k]
        if rule is amount_rule:
            amount = amounts[k]
            interest = due if due < amount else amount
            principal = amount - interest
            if principal > balance:
                principal = balance
        elif rule is nothing:
            interest = principal = 0
        elif rule is fixed:  # the level payment kept: the residual stays as the balance
            amount = amounts[k]
            interest = due if due < amount else amount
            principal = amount - interest
        else:
            interest = due
            if rule is principal_rule:
                principal = amounts[k]
                if principal > balance:
                    principal = balance
            elif rule is payoff:
                principal = balance
            else:
                principal = 0
        carried = 0
        if due != interest:
            unpaid = due - interest
            how = unpaids[k]
            if how is capitalize:
                if capitalized_col is None:
                    capitalized_col = [0] * n
                capitalized_col[k] = unpaid
                balance += unpaid
            elif how is waive:
                if waived_col is None:
                    waived_col = [0] * n
                waived_col[k] = unpaid
            else:
                carried = unpaid
        balance -= principal
        payment[k] = principal + interest + fees[k]
        principal_col[k] = principal
        interest_col[k] = interest
        balance_col[k] = balance
        accrued_col[k] = accrued
        arrears_col[k] = carried
    zeros = (0,) * n
    return Columns(tuple(payment), tuple(principal_col), tuple(interest_col), tuple(fees),
                   tuple(balance_col), tuple(accrued_col),
                   zeros if capitalized_col is None else tuple(capitalized_col),
                   zeros if waived_col is None else tuple(waived_col), tuple(arrears_col))


# --------------------------------------------------------------------------------------
# the batch kernel


def _limits(rule: npt.NDArray[Any], amount: npt.NDArray[Any], balance: npt.NDArray[Any],
            due: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """One period's (payment cap, principal target) from the rule codes.

    ``AMOUNT``: cap = amount, target = balance; ``PRINCIPAL``: no cap (due + balance),
    target = amount; ``INTEREST_ONLY``: no cap, target 0; ``NOTHING``: cap 0;
    ``PAYOFF``: no cap, target = balance; ``FIXED``: cap = amount (and the principal is
    cap − interest, past the balance: see :func:`execute`). Then interest paid =
    min(due, cap) and principal paid = min(target, balance, cap - interest paid).
    """
    everything = due + balance
    cap = np.where((rule == PaymentRule.AMOUNT) | (rule == PaymentRule.FIXED), amount,
                   np.where(rule == PaymentRule.NOTHING, 0, everything))
    target = np.where(rule == PaymentRule.PRINCIPAL, amount,
                      np.where((rule == PaymentRule.AMOUNT) | (rule == PaymentRule.PAYOFF),
                               balance, 0))
    return cap, target


def execute(principal: npt.ArrayLike, *, factor_numerator: npt.ArrayLike,
            factor_denominator: npt.ArrayLike, rule: npt.ArrayLike,
            amount: npt.ArrayLike = 0, fee: npt.ArrayLike = 0,
            unpaid: npt.ArrayLike = UnpaidInterest.CARRY,
            interest_rounding: RoundingMode = RoundingMode.HALF_UP,
            exact_balance: bool = False,
            payment_rounding: RoundingMode = RoundingMode.HALF_UP,
            carried_payoff: bool = False) -> KernelResult:
    """Run period programs for a batch of loans.

    Parameters
    ----------
    principal
        Shape ``(loans,)``: opening principal, minor units.
    factor_numerator, factor_denominator
        Broadcastable to ``(periods, loans)``: each period's interest factor as an exact
        ratio of integers (denominator > 0). int64 where they fit, else object arrays.
    rule, amount, fee, unpaid
        Broadcastable to ``(periods, loans)``: :class:`PaymentRule` codes, the rule's
        amount (minor units), the fee due (minor units), :class:`UnpaidInterest` codes.
        Pad loans with fewer periods with ``rule=NOTHING`` after their payoff period
        (any factor there accrues nothing on the zero balance a payoff leaves; factors
        given once for every period, shape ``(1, loans)``, run fastest).
    interest_rounding
        Rounding of each period's interest.
    exact_balance
        Carry the balance and interest as exact rationals (spreadsheet-style); the
        ``AMOUNT`` of a period may then be an exact rational (an unrounded level
        payment), and the published rows are derived as a spreadsheet shows them.
    payment_rounding
        In exact-balance runs, how a fixed payment is published.
    carried_payoff
        In exact-balance runs, publish the payoff row as ``round(exact balance + exact
        interest)`` (see :class:`Program`).

    Returns
    -------
    KernelResult
        Arrays of shape ``(periods, loans)``.

    Raises
    ------
    InvalidArgumentError
        ``principal`` is not one-dimensional; an array is not of integers (floats,
        unsigned 64-bit, text: named by its argument); the arrays do not broadcast to
        ``(periods, loans)`` (named ``rule``); a rounding mode is unknown.
    """
    principal_arr = np.asarray(principal)
    if principal_arr.ndim != 1:
        raise InvalidArgumentError("principal", "must be one-dimensional (one per loan)",
                                   received=principal_arr.shape)
    rule_arr = np.asarray(rule)
    num = np.asarray(factor_numerator)
    den = np.asarray(factor_denominator)
    amount_arr = np.asarray(amount)
    fee_arr = np.asarray(fee)
    unpaid_arr = np.asarray(unpaid)
    for name, arr in (("principal", principal_arr), ("factor_numerator", num),
                      ("factor_denominator", den), ("rule", rule_arr), ("amount", amount_arr),
                      ("fee", fee_arr), ("unpaid", unpaid_arr)):
        # whole numbers only: numpy makes floats of ints past int64 (10**19) and of
        # mixed lists, and unsigned 64-bit ints turn int64 arithmetic into floats
        if not (arr.dtype.kind in "iO" or (arr.dtype.kind == "u" and arr.dtype.itemsize < 8)):
            raise InvalidArgumentError(name, "must be an array of integers (int64, or an "
                                       "object array of ints)", received=arr.dtype)
    try:
        shape = np.broadcast_shapes(rule_arr.shape, num.shape, den.shape, amount_arr.shape,
                                    fee_arr.shape, unpaid_arr.shape,
                                    (1, principal_arr.shape[0]))
    except ValueError:
        raise InvalidArgumentError("rule", "must broadcast to (periods, loans) with the "
                                   "factors, amounts, fees and unpaid codes") from None
    if len(shape) != 2:
        raise InvalidArgumentError("rule", "must broadcast to (periods, loans)",
                                   received=shape)
    n_loans = shape[1]
    rule_b = np.broadcast_to(rule_arr, shape)
    amount_b = np.broadcast_to(amount_arr, shape)
    num = np.broadcast_to(num, shape)
    den = np.broadcast_to(den, shape)
    fee_b = np.broadcast_to(fee_arr, shape)
    if exact_balance:
        unpaid_b = np.broadcast_to(unpaid_arr, shape)
        return _execute_exact(principal_arr, num, den, rule_b, amount_b, fee_b,
                              unpaid_b == UnpaidInterest.CAPITALIZE,
                              unpaid_b == UnpaidInterest.CARRY,
                              unpaid_b == UnpaidInterest.WAIVE, interest_rounding,
                              payment_rounding, carried_payoff)
    # A single unpaid-interest code for the whole batch needs no per-loan masks.
    uniform = int(unpaid_arr) if unpaid_arr.ndim == 0 else None
    codes = None if uniform is not None else np.broadcast_to(unpaid_arr, shape)
    dtype: Any = np.int64
    if object in (principal_arr.dtype, num.dtype, den.dtype, amount_arr.dtype, fee_arr.dtype):
        dtype = object
    if dtype is not object and n_loans and int(den.max()) >= _INT64_SAFE:
        dtype = object
    return _execute_int(principal_arr.astype(dtype), num, den, rule_b, amount_b, fee_arr,
                        shape, uniform, codes, interest_rounding)


def _common_denominator(num: npt.NDArray[Any], den: npt.NDArray[Any]
                        ) -> tuple[npt.NDArray[Any], int] | None:
    """One period's factors over one denominator for every loan, when it is small.

    ``num / den`` for each loan equals ``scaled / common``; dividing by one integer is
    several times faster in numpy than dividing element by element. ``None`` when the
    common denominator would pass ``_INT64_SAFE``'s bound or the arrays are objects.
    """
    if num.dtype == object or den.dtype == object or not den.size:
        return None
    common = int(np.lcm.reduce(den))
    # np.lcm wraps around past int64; any positive common multiple below the bound will
    # do (the least is not needed), and that is what is checked
    if not 0 < common < _INT64_SAFE or (common % den).any():
        return None
    multiplier = common // den
    if int(num.max()) * int(multiplier.max()) >= _INT64_SAFE:
        return None
    return num * multiplier, common


class _ResultArrays:
    """The kernel's output columns, written one period (row) at a time.

    The four columns every run fills (payment, principal, interest, balance) are
    allocated at once. The others are allocated when a row first needs them: interest
    carried, capitalized or waived (most runs have none: the column is then one
    read-only zero), and the interest accrued, which is the interest paid on every row
    where nothing is carried in or left unpaid (then the two share one read-only array).
    Writing only what differs halves the memory a plain run touches.
    """

    def __init__(self, shape: tuple[int, int], dtype: Any) -> None:
        # ``object`` itself (compared by identity below), not numpy's dtype('O')
        self.shape, self.dtype = shape, object if np.dtype(dtype) == object else np.int64
        self.main = {name: np.empty(shape, dtype=dtype)
                     for name in ("payment", "principal", "interest", "balance")}
        self.extra: dict[str, npt.NDArray[Any]] = {}

    def to_object(self) -> None:
        """Carry on in Python ints (a product would pass int64's range)."""
        self.dtype = object
        self.main = {name: col.astype(object) for name, col in self.main.items()}
        self.extra = {name: col.astype(object) for name, col in self.extra.items()}

    def row(self, name: str, k: int) -> npt.NDArray[Any]:
        """Row ``k`` of an extra column (allocated zero on first use; ``accrued`` starts
        as a copy of the interest paid)."""
        column = self.extra.get(name)
        if column is None:
            column = np.zeros(self.shape, dtype=self.dtype)
            if name == "accrued":
                column[:k] = self.main["interest"][:k]
            self.extra[name] = column
        row: npt.NDArray[Any] = column[k]
        return row

    def result(self, fee: npt.NDArray[Any]) -> KernelResult:
        zero = np.broadcast_to(np.zeros((), dtype=self.dtype), self.shape)
        columns = dict(self.main)
        columns.update(self.extra)
        columns.setdefault("accrued", columns["interest"])
        for name in ("capitalized", "waived", "arrears"):
            columns.setdefault(name, zero)
        columns["fee"] = np.broadcast_to(np.array(fee, dtype=self.dtype), self.shape)
        for column in columns.values():
            column.flags.writeable = False
        return KernelResult(**columns)


def _execute_int(balance: npt.NDArray[Any], num: npt.NDArray[Any], den: npt.NDArray[Any],
                 rule_b: npt.NDArray[Any], amount_b: npt.NDArray[Any],
                 fee_arr: npt.NDArray[Any], shape: tuple[int, int], uniform: int | None,
                 codes: npt.NDArray[Any] | None, mode: RoundingMode) -> KernelResult:
    """The kernel on integer minor units (int64, or Python ints in object arrays when a
    product could pass int64's range)."""
    n_periods, n_loans = shape
    out = _ResultArrays(shape, balance.dtype)
    fee_b = np.broadcast_to(fee_arr, shape)
    any_fee = bool(fee_arr.any())
    carried = None  # interest carried into the period (None: nothing anywhere)
    num_max = num.max(axis=1) if n_loans else np.zeros(n_periods, dtype=np.int64)
    # factors the same in every period (the usual (1, loans) arrays): one common
    # denominator, worked out once
    constant = num.strides[0] == 0 and den.strides[0] == 0
    common = _common_denominator(num[0], den[0]) if constant and n_periods else None
    if common is not None:
        num_max = np.full(n_periods, int(common[0].max()), dtype=np.int64)
        twice_scaled, twice_common = 2 * common[0], 2 * common[1]
    # a level amount the same every period: its smallest value tells whether any loan's
    # interest due can pass it (nothing left unpaid when the largest due does not)
    least_amount = (int(amount_b[0].min()) if amount_b.strides[0] == 0 and n_loans
                    and amount_b.dtype != object else None)
    for k in range(n_periods):
        if out.dtype is not object and n_loans and \
                int(balance.max()) * max(int(num_max[k]), 1) >= _INT64_SAFE:
            out.to_object()
            balance = balance.astype(object)
            carried = None if carried is None else carried.astype(object)
            common = None  # (no more overflow checks: Python ints from here on)
        if common is not None and mode is RoundingMode.HALF_UP:
            # round_ratio_array's non-negative half-up, (2·b·n + d) // 2d, in place
            accrued = balance * twice_scaled
            accrued += common[1]
            accrued //= twice_common
        elif common is not None:
            accrued = round_ratio_array(balance * common[0], common[1], mode, nonnegative=True)
        elif out.dtype is object:
            accrued = round_ratio_array(balance * num[k].astype(object),
                                        den[k].astype(object), mode, nonnegative=True)
        else:
            accrued = round_ratio_array(balance * num[k], den[k], mode, nonnegative=True)
        due = accrued if carried is None else carried + accrued
        rule_k = rule_b[k]
        interest = out.main["interest"][k]
        paid = out.main["principal"][k]
        all_amount = bool(n_loans) and rule_k[0] == PaymentRule.AMOUNT and (
            rule_k.strides == (0,) or bool((rule_k == PaymentRule.AMOUNT).all()))
        if all_amount:  # the common case: every loan pays a level or fixed amount
            np.minimum(due, amount_b[k], out=interest)
            np.subtract(amount_b[k], interest, out=paid)
            np.minimum(balance, paid, out=paid)
        else:
            cap, target = _limits(rule_k, amount_b[k], balance, due)
            np.minimum(due, cap, out=interest)
            paid[...] = np.minimum(np.minimum(target, balance), cap - interest)
            fixed = rule_k == PaymentRule.FIXED
            if fixed.any():  # the level payment kept: the residual stays as the balance
                paid[...] = np.where(fixed, cap - interest, paid)
        if all_amount and least_amount is not None and int(due.max()) <= least_amount:
            left, unpaid_left = None, False  # every loan's interest due is paid
        else:
            left = due - interest
            unpaid_left = bool(left.any())
        if carried is not None or unpaid_left or "accrued" in out.extra:
            out.row("accrued", k)[...] = accrued  # differs from the interest paid
        carried = None
        new_balance = out.main["balance"][k]
        np.subtract(balance, paid, out=new_balance)
        if unpaid_left:
            if codes is not None:  # an unpaid code per period and loan
                capitalized = left * (codes[k] == UnpaidInterest.CAPITALIZE)
                carried = left * (codes[k] == UnpaidInterest.CARRY)
                out.row("waived", k)[...] = left * (codes[k] == UnpaidInterest.WAIVE)
                out.row("capitalized", k)[...] = capitalized
                out.row("arrears", k)[...] = carried
                new_balance += capitalized
            elif uniform == UnpaidInterest.CAPITALIZE:
                out.row("capitalized", k)[...] = left
                new_balance += left
            elif uniform == UnpaidInterest.CARRY:
                carried = left
                out.row("arrears", k)[...] = left
            else:
                out.row("waived", k)[...] = left
        balance = new_balance
        payment = out.main["payment"][k]
        np.add(paid, interest, out=payment)
        if any_fee:
            payment += fee_b[k]
    return out.result(fee_arr)


def _execute_exact(principal: npt.NDArray[Any], num: npt.NDArray[Any], den: npt.NDArray[Any],
                   rule: npt.NDArray[Any], amount: npt.NDArray[Any], fee: npt.NDArray[Any],
                   capitalize: npt.NDArray[Any], carry: npt.NDArray[Any],
                   waive: npt.NDArray[Any], mode: RoundingMode,
                   payment_mode: RoundingMode, carried_payoff: bool = False) -> KernelResult:
    """The same recurrence on exact rationals, then the published rows."""
    exact = _exact_recurrence(principal, num, den, rule, amount, capitalize, carry, waive)
    return _publish_exact(principal, rule, fee, exact, interest_mode=mode,
                          payment_mode=payment_mode, carried_payoff=carried_payoff)


def _exact_recurrence(principal: npt.NDArray[Any], num: npt.NDArray[Any],
                      den: npt.NDArray[Any], rule: npt.NDArray[Any],
                      amount: npt.NDArray[Any], capitalize: npt.NDArray[Any],
                      carry: npt.NDArray[Any], waive: npt.NDArray[Any]
                      ) -> dict[str, npt.NDArray[Any]]:
    """The kernel's recurrence on exact rationals (object arrays of Fractions, shape
    ``(periods, loans)``): principal and interest paid together (``payment_pi``), the
    balance, interest accrued, capitalized, waived, carried, and the interest paid."""
    n_periods, n_loans = num.shape
    to_frac = np.frompyfunc(lambda a, b: Fraction(int(a), int(b)), 2, 1)
    factor = to_frac(num, den)
    balance = np.array([Fraction(int(p)) for p in principal], dtype=object)
    carried = np.array([Fraction(0)] * n_loans, dtype=object)
    exact = {name: np.empty((n_periods, n_loans), dtype=object)
             for name in ("payment_pi", "balance", "accrued", "capitalized", "waived",
                          "arrears", "interest")}
    for k in range(n_periods):
        accrued = balance * factor[k]
        due = carried + accrued
        cap, target = _limits(rule[k], np.array([Fraction(a) for a in amount[k]],
                                                dtype=object), balance, due)
        interest = np.minimum(due, cap)
        paid_principal = np.minimum(np.minimum(target, balance), cap - interest)
        paid_principal = np.where(rule[k] == PaymentRule.FIXED, cap - interest,
                                  paid_principal)
        left = due - interest
        capitalized = left * capitalize[k]
        carried = left * carry[k]
        balance = balance - paid_principal + capitalized
        exact["payment_pi"][k] = paid_principal + interest
        exact["balance"][k] = balance
        exact["accrued"][k] = accrued
        exact["capitalized"][k] = capitalized
        exact["waived"][k] = left * waive[k]
        exact["arrears"][k] = carried
        exact["interest"][k] = interest
    return exact


def exact_columns(program: Program) -> dict[str, tuple[Fraction, ...]]:
    """One program run on exact rationals, nothing rounded: per period the principal
    and interest paid (``payment_pi``), the ``interest`` paid, the principal ``balance``
    after it, and the interest ``accrued``, ``capitalized``, ``waived`` and carried
    (``arrears``). A fixed payment is taken as given (an int, or an exact Fraction).

    Raises
    ------
    InvalidArgumentError
        ``program`` is not a :class:`Program`.

    Examples
    --------
    >>> from datetime import date
    >>> program = Program(principal=100000, periods=(
    ...     Period(due=date(2024, 2, 1), factor=Fraction(1, 300), rule=PaymentRule.PAYOFF),))
    >>> exact_columns(program)["interest"]
    (Fraction(1000, 3),)
    """
    if not isinstance(program, Program):
        raise InvalidArgumentError("program", "must be a Program", received=program)
    n = len(program.periods)
    num = np.array([[p.factor.numerator] for p in program.periods], dtype=object)
    den = np.array([[p.factor.denominator] for p in program.periods], dtype=object)
    rule = np.array([[int(p.rule)] for p in program.periods], dtype=np.int64)
    amount = np.array([[p.amount] for p in program.periods], dtype=object)
    unpaid = np.array([[int(p.unpaid)] for p in program.periods], dtype=np.int64)
    exact = _exact_recurrence(np.array([program.principal], dtype=object), num, den, rule,
                              amount, unpaid == UnpaidInterest.CAPITALIZE,
                              unpaid == UnpaidInterest.CARRY, unpaid == UnpaidInterest.WAIVE)
    return {name: tuple(column[:, 0][:n].tolist()) for name, column in exact.items()}


def _publish_exact(principal: npt.NDArray[Any], rule: npt.NDArray[Any], fee: npt.NDArray[Any],
                   exact: dict[str, npt.NDArray[Any]], *, interest_mode: RoundingMode,
                   payment_mode: RoundingMode, carried_payoff: bool = False) -> KernelResult:
    """Rows of an exact-balance run, as a spreadsheet shows them.

    Interest, balance, capitalized, waived and arrears cells are the exact values rounded
    once (``interest_mode``); a fixed payment is shown rounded by ``payment_mode``; the
    principal cell is payment − interest − fee, except on the row that pays the loan off,
    whose principal is whatever the published rows still owe, so principal parts add up
    to the amount financed plus capitalized interest; with ``carried_payoff`` that row
    pays ``round(exact balance + exact interest)`` instead (``payment_mode``), its
    principal the payment less the interest cell, and the interest cell never more than
    that payment.
    """
    n_periods, n_loans = rule.shape
    out = {name: np.zeros((n_periods, n_loans), dtype=object) for name in _COLUMNS}

    def rnd(value: Fraction, mode: RoundingMode = interest_mode) -> int:
        return round_ratio(value.numerator, value.denominator, mode)

    for j in range(n_loans):
        owed = int(principal[j])  # principal + capitalized - principal paid, as published
        for k in range(n_periods):
            interest = rnd(exact["interest"][k, j])
            capitalized = rnd(exact["capitalized"][k, j])
            paid = exact["payment_pi"][k, j]
            if carried_payoff and exact["balance"][k, j] == 0 and paid != 0:
                # the payoff row: round(exact balance + exact interest), less the interest
                # cell, which never shows more than that payment (a cell rounded up past a
                # payment rounded down would make the principal negative)
                payoff = rnd(paid, payment_mode)
                interest = min(interest, payoff)
                principal_paid = payoff - interest
            elif exact["balance"][k, j] == 0:  # the payoff row, or rows after it
                principal_paid = 0 if carried_payoff else owed + capitalized
            elif int(rule[k, j]) == PaymentRule.AMOUNT and paid != 0:
                principal_paid = rnd(paid, payment_mode) - interest
            else:
                principal_paid = rnd(paid - exact["interest"][k, j])
            if carried_payoff:  # a carried schedule pays its installments as they are
                principal_paid = max(0, principal_paid)
            else:
                principal_paid = max(0, min(principal_paid, owed + capitalized))
            owed += capitalized - principal_paid
            fee_k = int(fee[k, j])
            out["payment"][k, j] = principal_paid + interest + fee_k
            out["principal"][k, j] = principal_paid
            out["interest"][k, j] = interest
            out["fee"][k, j] = fee_k
            out["balance"][k, j] = 0 if exact["balance"][k, j] == 0 else rnd(
                exact["balance"][k, j])
            out["accrued"][k, j] = rnd(exact["accrued"][k, j])
            out["capitalized"][k, j] = capitalized
            out["waived"][k, j] = rnd(exact["waived"][k, j])
            out["arrears"][k, j] = rnd(exact["arrears"][k, j])
    for column in out.values():
        column.flags.writeable = False
    return KernelResult(**out)


def run_batch(programs: Sequence[Program]) -> KernelResult:
    """Pack programs into arrays (padding shorter ones) and :func:`execute` them.

    All programs must share ``interest_rounding`` and ``exact_balance``.

    Raises
    ------
    InvalidArgumentError
        ``programs`` is empty, holds something other than :class:`Program`, or its
        programs differ in rounding modes or balance precision.
    """
    if isinstance(programs, str | bytes) or not isinstance(programs, Sequence):
        raise InvalidArgumentError("programs", "must be a sequence of Program objects",
                                   received=programs)
    if not programs:
        raise InvalidArgumentError("programs", "must not be empty")
    for k, program in enumerate(programs):
        if not isinstance(program, Program):
            raise InvalidArgumentError(f"programs[{k}]", "must be a Program", received=program)
    first = programs[0]
    for p in programs[1:]:
        if (p.interest_rounding, p.exact_balance, p.carried_payoff) != (
                first.interest_rounding, first.exact_balance, first.carried_payoff) or (
                first.exact_balance and p.payment_rounding != first.payment_rounding):
            raise InvalidArgumentError("programs", "must share their rounding modes and "
                                       "balance precision")
    n_periods = max(len(p.periods) for p in programs)
    n_loans = len(programs)
    nums = [[0] * n_loans for _ in range(n_periods)]
    dens = [[1] * n_loans for _ in range(n_periods)]
    rules = np.full((n_periods, n_loans), int(PaymentRule.NOTHING), dtype=np.int64)
    amounts = np.zeros((n_periods, n_loans), dtype=object if first.exact_balance else np.int64)
    fees = np.zeros((n_periods, n_loans), dtype=np.int64)
    unpaid = np.full((n_periods, n_loans), int(UnpaidInterest.CARRY), dtype=np.int64)
    for j, program in enumerate(programs):
        for k, period in enumerate(program.periods):
            nums[k][j] = period.factor.numerator
            dens[k][j] = period.factor.denominator
            rules[k, j] = period.rule
            amounts[k, j] = period.amount
            fees[k, j] = period.fee
            unpaid[k, j] = period.unpaid
    big = max(max(max(r) for r in nums), max(max(r) for r in dens)) >= _INT64_SAFE
    dtype: Any = object if big else np.int64
    principal = np.array([p.principal for p in programs], dtype=dtype)
    return execute(principal, factor_numerator=np.array(nums, dtype=dtype),
                   factor_denominator=np.array(dens, dtype=dtype), rule=rules,
                   amount=amounts, fee=fees, unpaid=unpaid,
                   interest_rounding=first.interest_rounding,
                   exact_balance=first.exact_balance, carried_payoff=first.carried_payoff,
                   payment_rounding=first.payment_rounding)


# --------------------------------------------------------------------------------------
# the level payment


@overload
def level_payment(principal: int, factors: Sequence[Fraction], *, mode: RoundingMode,
                  balloon: int = 0) -> int: ...


@overload
def level_payment(principal: int, factors: Sequence[Fraction], *, mode: None,
                  balloon: int = 0) -> Fraction: ...


def level_payment(principal: int, factors: Sequence[Fraction], *, mode: RoundingMode | None,
                  balloon: int = 0) -> int | Fraction:
    """The level payment that takes ``principal`` to ``balloon`` over ``factors``.

    Solves ``principal * G_n - A * sum_k G_n / G_k = balloon`` exactly, where
    ``G_k = prod_{j<=k} (1 + factor_j)`` (payments at the end of each period, interest
    on the declining balance), and rounds ``A`` once by ``mode`` (``mode=None`` returns
    the exact Fraction). With every factor zero the payment is ``(principal - balloon) / n``.

    Raises
    ------
    InvalidArgumentError
        ``factors`` is empty (named ``installments``) or holds something other than
        non-negative Fractions; ``principal`` or ``balloon`` is not an int; ``mode`` is not
        a :class:`~bnpl_restructure.rounding.RoundingMode` or None.

    Examples
    --------
    >>> from fractions import Fraction
    >>> level_payment(1000000, [Fraction(8, 1200)] * 10, mode=RoundingMode.HALF_UP)
    103703
    """
    if not factors:
        raise InvalidArgumentError("installments", "must be at least 1", received=0)
    if any(type(f) is not Fraction or f < 0 for f in factors):
        raise InvalidArgumentError("factors", "must be non-negative Fractions",
                                   received=factors)
    for name, value in (("principal", principal), ("balloon", balloon)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgumentError(name, "must be an int of minor units", received=value)
    if mode is not None and type(mode) is not RoundingMode:
        raise InvalidArgumentError("mode", "must be a RoundingMode or None", received=mode)
    # Work with integer numerators and denominators: 1 + n/d = (d + n) / d.
    grow = [f.denominator + f.numerator for f in factors]
    base = [f.denominator for f in factors]
    # A * sum_k prod_{j<=k} d_j * prod_{j>k} (d_j + n_j) = P * prod (d+n) - B * prod d
    n = len(factors)
    suffix = [1] * (n + 1)
    for k in range(n - 1, -1, -1):
        suffix[k] = suffix[k + 1] * grow[k]
    prefix = 1
    denominator = 0
    for k in range(n):
        prefix *= base[k]
        denominator += prefix * suffix[k + 1]
    numerator = principal * suffix[0] - balloon * prefix
    if mode is None:
        return Fraction(numerator, denominator)
    return round_ratio(numerator, denominator, mode)


