"""Whole portfolios at once: level-payment, equal-principal and flat-fee plans as arrays.

The functions here take one value per loan (numpy arrays, or scalars shared by every
loan), compile the whole portfolio to period-program arrays and run them through the
one kernel, :func:`bnpl_restructure.core.execute`. There is no amortization loop here:
only the program arrays (the rule, amount, fee and interest factor of each period) are
built, vectorised across loans.

Money is integer minor units (int64 arrays, or object arrays of Python ints); rates are
exact ratios of integers per loan, ``periodic_rate_numerator / periodic_rate_denominator``
per period (``8`` / ``1200`` is 8% a year paid monthly). Floats are refused.

Loans with fewer installments than the longest loan are padded: their last installment
is rule ``PAYOFF``, every later period is rule ``NOTHING`` with a zero interest factor
and no fee, so the padded rows are all zero. Read one loan's columns with
``result.loan(index, installments[index])``.

Each loan's rows are identical to those of the corresponding single plan
(``Plan.annuity(...).schedule()``, ``Plan.equal_principal``, ``Plan.flat_fee``), with the
default ``PER_PERIOD`` day count, a regular first period and rounded balances.

Examples
--------
>>> import numpy as np
>>> result = annuity_batch(np.array([1_000_000, 120_000]), periodic_rate_numerator=8,
...                        periodic_rate_denominator=1200, installments=np.array([10, 3]))
>>> result.payment.shape
(10, 2)
>>> result.payment[:, 0].tolist()
[103703, 103703, 103703, 103703, 103703, 103703, 103703, 103703, 103703, 103707]
>>> result.payment[:, 1].tolist()
[40535, 40535, 40533, 0, 0, 0, 0, 0, 0, 0]
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from .core import KernelResult, PaymentRule, UnpaidInterest, execute, level_payment
from .errors import InvalidArgumentError, parse_enum
from .plans import MAX_INSTALLMENTS
from .rounding import Residual, RoundingMode, round_ratio_array

__all__ = ["annuity_batch", "equal_principal_batch", "flat_fee_batch"]

_INT64_SAFE = 2**62
#: The largest rate a period (numerator / denominator) a batch takes: 10,000%.
_MAX_PERIODIC_RATE = 100


# --------------------------------------------------------------------------------------
# validation


def _int_array(value: Any, argument: str, loans: int | None) -> npt.NDArray[Any]:
    """One integer per loan (a scalar is shared): int64 where it fits, else object ints."""
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind == "O":
        flat = arr.reshape(-1).tolist()
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in flat):
            raise InvalidArgumentError(argument, "must hold integers only", received=arr.dtype)
        if flat and max(abs(v) for v in flat) < _INT64_SAFE:
            arr = arr.astype(np.int64)
    elif kind == "u":
        arr = arr.astype(np.int64) if (arr.size == 0 or int(arr.max()) < _INT64_SAFE) \
            else arr.astype(object)
    elif kind == "i":
        arr = arr.astype(np.int64, copy=False)
    else:
        what = "floats" if kind in "fc" else str(arr.dtype)
        raise InvalidArgumentError(argument, "must be integers (minor units or an exact "
                                   f"ratio of integers), not {what}", received=arr.dtype)
    if loans is None:
        if arr.ndim != 1:
            raise InvalidArgumentError(argument, "must be one-dimensional (one per loan)",
                                       received=arr.shape)
        if arr.shape[0] == 0:
            raise InvalidArgumentError(argument, "must hold at least one loan",
                                       received=arr.shape)
        return arr
    if arr.ndim == 0:
        return np.full(loans, arr.item(), dtype=arr.dtype)
    if arr.shape != (loans,):
        raise InvalidArgumentError(argument, f"must be a scalar or have one value per loan "
                                   f"(shape ({loans},))", received=arr.shape)
    return arr


def _check_range(arr: npt.NDArray[Any], argument: str, *, minimum: int,
                 maximum: int | None = None) -> None:
    low = arr.min()
    if low < minimum:
        raise InvalidArgumentError(argument, f"must be at least {minimum}", received=int(low))
    if maximum is not None:
        high = arr.max()
        if high > maximum:
            raise InvalidArgumentError(argument, f"must be at most {maximum}",
                                       received=int(high))


def _principal(principal: Any) -> npt.NDArray[Any]:
    arr = _int_array(principal, "principal", None)
    _check_range(arr, "principal", minimum=0)
    return arr


def _installments(installments: Any, loans: int) -> npt.NDArray[np.int64]:
    arr = _int_array(installments, "installments", loans)
    _check_range(arr, "installments", minimum=1, maximum=MAX_INSTALLMENTS)
    return arr.astype(np.int64)


def _ratio(numerator: Any, denominator: Any, loans: int, name: str
           ) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Validated, reduced ``numerator / denominator`` per loan (like ``Fraction``)."""
    num = _int_array(numerator, f"{name}_numerator", loans)
    den = _int_array(denominator, f"{name}_denominator", loans)
    _check_range(num, f"{name}_numerator", minimum=0)
    _check_range(den, f"{name}_denominator", minimum=1)
    # at most 10,000% a period (as parse_rate caps a rate): beyond it the amounts of a
    # 2,600-period plan leave every integer type and the solver every float
    if num.dtype == object or den.dtype == object or \
            int(den.max()) >= _INT64_SAFE // _MAX_PERIODIC_RATE:
        tops, bottoms = np.broadcast_arrays(num.astype(object), den.astype(object))
    else:  # the product fits an int64: compared without Python ints
        tops, bottoms = np.broadcast_arrays(num, den)
    over = np.flatnonzero(tops > _MAX_PERIODIC_RATE * bottoms)
    if over.size:
        k = int(over[0])
        raise InvalidArgumentError(f"{name}_numerator", f"over {name}_denominator must be "
                                   f"at most {_MAX_PERIODIC_RATE * 100}% a period (loan {k})",
                                   received=f"{tops.reshape(-1)[k]}/{bottoms.reshape(-1)[k]}")
    if num.dtype == object or den.dtype == object:
        gcd = np.frompyfunc(math.gcd, 2, 1)(num.astype(object), den.astype(object))
        num = _int_array((num.astype(object) // gcd).astype(object), f"{name}_numerator", loans)
        den = _int_array((den.astype(object) // gcd).astype(object), f"{name}_denominator",
                         loans)
        return num, den
    gcd = np.gcd(num, den)
    return num // gcd, den // gcd


def _fits_int64(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """int64 when every value fits comfortably, else the object array unchanged."""
    if arr.dtype != object:
        return arr
    if arr.size == 0 or max(abs(int(arr.max())), abs(int(arr.min()))) < _INT64_SAFE:
        return arr.astype(np.int64)
    return arr


# --------------------------------------------------------------------------------------
# grouping loans by their terms


_DENSE_RANGE = 1 << 20


def _factorize(values: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64],
                                                      npt.NDArray[np.intp]]:
    """The sorted distinct values and each element's index into them.

    Small value ranges (installment counts, basis points) are factorized in O(n) with a
    presence table instead of a sort.
    """
    low, high = int(values.min()), int(values.max())
    if high - low < _DENSE_RANGE:
        offset = values - low
        present = np.zeros(high - low + 1, dtype=np.bool_)
        present[offset] = True
        code = np.cumsum(present, dtype=np.intp) - 1
        return np.flatnonzero(present).astype(np.int64) + low, code[offset]
    unique, inverse = np.unique(values, return_inverse=True)
    return unique, inverse.reshape(-1).astype(np.intp)


def _groups(*columns: npt.NDArray[Any]) -> tuple[list[tuple[int, ...]], npt.NDArray[np.intp]]:
    """The distinct rows of ``columns`` (as Python ints) and each loan's group index."""
    loans = columns[0].shape[0]
    if all(c.dtype != object for c in columns):
        key = np.zeros(loans, dtype=np.int64)
        levels: list[npt.NDArray[np.int64]] = []
        size = 1
        for column in columns:
            values, code = _factorize(column)
            levels.append(values)
            if size * len(values) >= _INT64_SAFE:  # too many combinations for one key
                unique, inverse = np.unique(np.stack(columns, axis=1), axis=0,
                                            return_inverse=True)
                return ([tuple(int(v) for v in row) for row in unique.tolist()],
                        inverse.reshape(-1).astype(np.intp))
            key = key * len(values) + code
            size *= len(values)
        combos, group = _factorize(key)
        terms = []
        for combo in combos.tolist():
            row = []
            for values in reversed(levels):
                combo, index = divmod(combo, len(values))
                row.append(int(values[index]))
            terms.append(tuple(reversed(row)))
        return terms, group
    keys: dict[tuple[int, ...], int] = {}
    index = np.empty(loans, dtype=np.intp)
    for j, key_row in enumerate(zip(*(c.tolist() for c in columns), strict=True)):
        index[j] = keys.setdefault(tuple(int(v) for v in key_row), len(keys))
    return list(keys), index


def _annuity_ratio(numerator: int, denominator: int, installments: int) -> tuple[int, int]:
    """``(X, Y)`` with ``level payment = principal * X / Y`` exactly (reduced): the exact
    level payment of a principal of 1 from :func:`bnpl_restructure.core.level_payment`."""
    ratio = level_payment(1, [Fraction(numerator, denominator)] * installments, mode=None)
    return ratio.numerator, ratio.denominator


def _scaled_round(principal: npt.NDArray[Any], multiplier: npt.NDArray[Any],
                  divisor: npt.NDArray[Any], mode: RoundingMode) -> npt.NDArray[Any]:
    """``round(principal * multiplier / divisor)`` per loan, exact (int64 if it cannot
    overflow, else Python integers), returned as int64 when the results fit."""
    safe = (principal.dtype != object and multiplier.dtype != object
            and divisor.dtype != object
            and int(principal.max()) * max(int(multiplier.max()), 1) < _INT64_SAFE
            and int(divisor.max()) < _INT64_SAFE // 2)
    if safe:
        return round_ratio_array(principal * multiplier, divisor, mode)
    exact = round_ratio_array(principal.astype(object) * multiplier.astype(object),
                              divisor.astype(object), mode)
    return _fits_int64(exact)


# Relative error bound of principal × float(X / Y) against the exact product: two
# roundings of 2**-53 each, with a wide margin.
_SCREEN = 2.0**-48


def _screened_round(principal: npt.NDArray[Any], ratios: list[tuple[int, int]],
                    group: npt.NDArray[np.intp], mode: RoundingMode) -> npt.NDArray[Any]:
    """``round(principal * X / Y)`` per loan, exact, with ``(X, Y) = ratios[group]``.

    The product is first taken in float64, which decides the rounded value whenever it
    is not within the float error of an integer or of a half-integer: then the floor and
    the side of the half are known exactly. The other loans (ties, exact multiples, huge
    values; rare in a real portfolio) are rounded with exact integers by
    :func:`_scaled_round`. A property test compares the two on drawn portfolios with
    many ties (``tests/test_batch.py``).
    """
    if principal.dtype == object:
        return _scaled_round(principal, *_per_loan(ratios, group), mode)
    per_unit = np.array([float(Fraction(x, y)) for x, y in ratios])[group]
    product = principal * per_unit
    floor = np.floor(product)
    frac = product - floor
    margin = np.abs(product) * _SCREEN + 1e-300
    safe = ((frac > margin) & (frac < 1.0 - margin) & (np.abs(frac - 0.5) > margin)
            & (np.abs(product) < 2.0**50))
    if mode is RoundingMode.DOWN:
        rounded = floor
    elif mode is RoundingMode.UP:
        rounded = floor + 1.0
    else:  # a half-way case is never "safe": every half mode rounds to the nearest
        rounded = floor + (frac > 0.5)
    # the unsafe loans (ties, huge products past int64) are replaced below: cast 0 there
    out: npt.NDArray[Any] = np.where(safe, rounded, 0.0).astype(np.int64)
    unsafe = np.flatnonzero(~safe)
    if unsafe.size:
        multiplier, divisor = _per_loan(ratios, group[unsafe])
        exact = _scaled_round(principal[unsafe], multiplier, divisor, mode)
        if exact.dtype == object and not all(abs(int(v)) < 2**63 for v in exact):
            result: npt.NDArray[Any] = out.astype(object)
            result[unsafe] = exact
            return result
        out[unsafe] = exact
    return out


def _per_loan(ratios: list[tuple[int, int]],
              group: npt.NDArray[np.intp]) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    multiplier = _fits_int64(np.array([x for x, _ in ratios], dtype=object))[group]
    divisor = _fits_int64(np.array([y for _, y in ratios], dtype=object))[group]
    return multiplier, divisor


# --------------------------------------------------------------------------------------
# program arrays


def _rules(count: npt.NDArray[np.int64], periods: int, uniform: bool,
           before_last: PaymentRule) -> npt.NDArray[np.int8]:
    """Rule codes ``(periods, loans)`` (``(periods, 1)`` when every loan has ``periods``)."""
    if uniform:
        rules = np.full((periods, 1), int(before_last), dtype=np.int8)
        rules[-1] = PaymentRule.PAYOFF
        return rules
    k = np.arange(periods, dtype=np.int64)[:, None]
    last = (count - 1)[None, :]
    return np.where(k < last, np.int8(before_last),
                    np.where(k == last, np.int8(PaymentRule.PAYOFF),
                             np.int8(PaymentRule.NOTHING))).astype(np.int8)


def _active(values: npt.NDArray[Any], count: npt.NDArray[np.int64], periods: int,
            uniform: bool) -> npt.NDArray[Any]:
    """``values`` per loan in its own periods and 0 in its padding, ``(periods, loans)``
    (a ``(1, loans)`` row when no loan is padded)."""
    if uniform:
        return values[None, :]
    k = np.arange(periods, dtype=np.int64)[:, None]
    zero = 0 if values.dtype == object else values.dtype.type(0)
    return np.where(k < count[None, :], values[None, :], zero)


def _split(principal: npt.NDArray[Any], count: npt.NDArray[np.int64], periods: int,
           residual: Residual) -> npt.NDArray[Any]:
    """The principal part due per period: ``principal // n``, the leftover minor units on
    the last installment (it pays off) or on the first (``Residual.FIRST``)."""
    base = principal // count
    if residual is Residual.LAST:
        return base[None, :]
    amount = np.repeat(base[None, :], periods, axis=0)
    amount[0] = principal - (count - 1) * base
    return amount


# --------------------------------------------------------------------------------------
# public functions


def annuity_batch(principal: npt.ArrayLike, *, periodic_rate_numerator: npt.ArrayLike,
                  periodic_rate_denominator: npt.ArrayLike, installments: npt.ArrayLike,
                  payment_rounding: RoundingMode | str = RoundingMode.HALF_UP,
                  interest_rounding: RoundingMode | str = RoundingMode.HALF_UP
                  ) -> KernelResult:
    """Equal installments (等额本息) for a whole portfolio through the one kernel.

    Parameters
    ----------
    principal
        Shape ``(loans,)``: the amount financed of each loan, integer minor units.
    periodic_rate_numerator, periodic_rate_denominator
        The rate of one period of each loan as an exact ratio of integers (numerator
        ``>= 0``, denominator ``> 0``); arrays of shape ``(loans,)`` or scalars shared
        by every loan. ``8`` / ``1200`` is a nominal 8% a year paid monthly; ``75`` /
        ``10000`` is 75 basis points a period.
    installments
        Number of installments of each loan (``(loans,)`` or a scalar), 1 to 2600.
    payment_rounding
        Rounding of the level payment (default half-up).
    interest_rounding
        Rounding of each period's interest (default half-up).

    Returns
    -------
    KernelResult
        Arrays of shape ``(max(installments), loans)`` in minor units. The level payment
        of each loan is exactly ``core.level_payment(principal, [r] * n,
        mode=payment_rounding)``; the last installment pays off and absorbs the rounding
        residual; a shorter loan's padding periods are all zero.

    Raises
    ------
    InvalidArgumentError
        A float or non-integer input, a shape that is not one value per loan, a negative
        principal or rate, a zero denominator, or installments outside 1..2600; the
        error's ``argument`` names the offending input.

    See Also
    --------
    bnpl_restructure.plans.Plan.annuity : The same plan for one loan.

    Notes
    -----
    The level payment of a constant periodic rate ``r = a / b`` over ``n`` periods is
    ``P * X / Y`` with ``X = (a + b)^n`` and ``Y = b ((a + b)^n - b^n) / a``. ``X`` and
    ``Y`` are computed once per distinct ``(a, b, n)`` with Python integers, then every
    loan's ``P * X / Y`` is rounded once, exactly (big integers where int64 could
    overflow). Interest is ``balance * r`` evaluated exactly and rounded once a period.

    References
    ----------
    The level payment is the spreadsheet ``PMT(r, n, -P)`` rounded by the policy: the
    annuity-immediate present value ``P = A (1 - (1 + r)^-n) / r``.

    Examples
    --------
    >>> import numpy as np
    >>> from bnpl_restructure import Plan
    >>> result = annuity_batch(np.array([1_000_000, 2_500_001]), periodic_rate_numerator=
    ...                        np.array([50, 75]), periodic_rate_denominator=10_000,
    ...                        installments=12)
    >>> result.payment[0].tolist()
    [86066, 218629]
    >>> plan = Plan.annuity("25000.01", periodic_rate="0.0075", installments=12,
    ...                     start="2024-01-15")
    >>> result.payment[:, 1].tolist() == list(plan.schedule().payment)
    True
    """
    pay_mode = RoundingMode.parse(payment_rounding, argument="payment_rounding")
    interest_mode = RoundingMode.parse(interest_rounding, argument="interest_rounding")
    amounts = _principal(principal)
    loans = amounts.shape[0]
    count = _installments(installments, loans)
    num, den = _ratio(periodic_rate_numerator, periodic_rate_denominator, loans,
                      "periodic_rate")

    terms, group = _groups(num, den, count)
    ratios = [_annuity_ratio(a, b, n) for a, b, n in terms]
    payment = _screened_round(amounts, ratios, group, pay_mode)

    periods = int(count.max())
    uniform = bool((count == periods).all())
    # one factor row for every period, padding included: a loan's balance and carried
    # interest are 0 after its payoff period, so its factor there accrues nothing
    return execute(amounts, factor_numerator=num[None, :],
                   factor_denominator=den[None, :],
                   rule=_rules(count, periods, uniform, PaymentRule.AMOUNT),
                   amount=payment[None, :], fee=0, unpaid=int(UnpaidInterest.CARRY),
                   interest_rounding=interest_mode)


def equal_principal_batch(principal: npt.ArrayLike, *,
                          periodic_rate_numerator: npt.ArrayLike,
                          periodic_rate_denominator: npt.ArrayLike,
                          installments: npt.ArrayLike,
                          interest_rounding: RoundingMode | str = RoundingMode.HALF_UP,
                          residual: Residual | str = Residual.LAST) -> KernelResult:
    """Equal principal (等额本金) for a whole portfolio through the one kernel.

    Parameters
    ----------
    principal
        Shape ``(loans,)``: the amount financed of each loan, integer minor units.
    periodic_rate_numerator, periodic_rate_denominator
        The rate of one period as an exact ratio of integers, per loan or shared.
    installments
        Number of installments, per loan or shared, 1 to 2600.
    interest_rounding
        Rounding of each period's interest (default half-up).
    residual
        Which installment takes the minor units left over by ``principal // n``: the
        last (default) or the first, as ``RoundingPolicy.residual``.

    Returns
    -------
    KernelResult
        Arrays of shape ``(max(installments), loans)`` in minor units, each loan's rows
        identical to ``Plan.equal_principal(...).schedule()``.

    Raises
    ------
    InvalidArgumentError
        As :func:`annuity_batch`, or an unknown ``residual``.

    Examples
    --------
    >>> result = equal_principal_batch([120_000, 100_001], periodic_rate_numerator=1,
    ...                                periodic_rate_denominator=100, installments=[12, 4])
    >>> result.payment[:3, 0].tolist(), result.payment[:5, 1].tolist()
    ([11200, 11100, 11000], [26000, 25750, 25500, 25251, 0])
    """
    interest_mode = RoundingMode.parse(interest_rounding, argument="interest_rounding")
    where = parse_enum(Residual, residual, argument="residual")
    amounts = _principal(principal)
    loans = amounts.shape[0]
    count = _installments(installments, loans)
    num, den = _ratio(periodic_rate_numerator, periodic_rate_denominator, loans,
                      "periodic_rate")
    periods = int(count.max())
    uniform = bool((count == periods).all())
    # one factor row for every period, padding included: a loan's balance and carried
    # interest are 0 after its payoff period, so its factor there accrues nothing
    return execute(amounts, factor_numerator=num[None, :],
                   factor_denominator=den[None, :],
                   rule=_rules(count, periods, uniform, PaymentRule.PRINCIPAL),
                   amount=_split(amounts, count, periods, where), fee=0,
                   unpaid=int(UnpaidInterest.CARRY), interest_rounding=interest_mode)


def flat_fee_batch(principal: npt.ArrayLike, *, fee_rate_numerator: npt.ArrayLike,
                   fee_rate_denominator: npt.ArrayLike, installments: npt.ArrayLike,
                   interest_rounding: RoundingMode | str = RoundingMode.HALF_UP,
                   residual: Residual | str = Residual.LAST) -> KernelResult:
    """Flat fee on the original principal (等本等息) for a whole portfolio.

    Every installment's fee is ``principal × fee rate`` rounded once by
    ``interest_rounding``; the principal is split exactly (``principal // n`` each, the
    leftover minor units on the installment ``residual`` names); no interest accrues.

    Parameters
    ----------
    principal
        Shape ``(loans,)``: the amount financed of each loan, integer minor units.
    fee_rate_numerator, fee_rate_denominator
        The per-period fee rate on the original principal as an exact ratio of
        integers, per loan or shared (``5`` / ``1000`` is 0.5% a period).
    installments
        Number of installments, per loan or shared, 1 to 2600.
    interest_rounding
        Rounding of the fee (the plan's interest rounding; default half-up).
    residual
        Which installment takes the leftover principal minor units (default the last).

    Returns
    -------
    KernelResult
        Arrays of shape ``(max(installments), loans)`` in minor units, each loan's rows
        identical to ``Plan.flat_fee(..., fee_rate=...).schedule()``.

    Raises
    ------
    InvalidArgumentError
        As :func:`annuity_batch`.

    References
    ----------
    JD Baitiao fee standard: per-period fee = principal × monthly fee rate, collected
    with each period's principal.

    Examples
    --------
    >>> result = flat_fee_batch([100_000], fee_rate_numerator=7, fee_rate_denominator=1000,
    ...                         installments=3)
    >>> result.payment[:, 0].tolist(), result.fee[:, 0].tolist()
    ([34033, 34033, 34034], [700, 700, 700])
    """
    interest_mode = RoundingMode.parse(interest_rounding, argument="interest_rounding")
    where = parse_enum(Residual, residual, argument="residual")
    amounts = _principal(principal)
    loans = amounts.shape[0]
    count = _installments(installments, loans)
    num, den = _ratio(fee_rate_numerator, fee_rate_denominator, loans, "fee_rate")
    fee = _scaled_round(amounts, num, den, interest_mode)
    periods = int(count.max())
    uniform = bool((count == periods).all())
    return execute(amounts, factor_numerator=0, factor_denominator=1,
                   rule=_rules(count, periods, uniform, PaymentRule.PRINCIPAL),
                   amount=_split(amounts, count, periods, where),
                   fee=_active(fee, count, periods, uniform),
                   unpaid=int(UnpaidInterest.CARRY), interest_rounding=interest_mode)
