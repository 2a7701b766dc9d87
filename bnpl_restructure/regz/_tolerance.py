"""Tolerances: whether a disclosed APR or finance charge is accurate (1026.22, 1026.18(d))."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .._context import in_library_context, make_context
from ..calendar import DateLike
from ..errors import InvalidArgumentError, renamed
from ..money import AmountLike, to_decimal
from ..schedule import Schedule
from ._amounts import _check_schedule, amount_financed, finance_charge
from ._apr import _resolve, _solve
from ._common import (
    _CONTEXT,
    IRREGULAR_TOLERANCE,
    REGULAR_TOLERANCE,
    Flow,
)
from ._units import UnitPeriod, _period_labels

# ---------------------------------------------------------------- tolerance checks

def _classify(lent: list[Flow], paid: list[Flow]) -> tuple[str, ...]:
    """Reasons a transaction is irregular under 1026.22(a)(3); empty if regular."""
    reasons: list[str] = []
    if len({d for d, a in lent if a != 0}) > 1:
        reasons.append("multiple advances")
    paying = sorted((d, a) for d, a in paid if a != 0)
    dates = [d for d, _ in paying]
    if len(dates) >= 3:
        if len(set(dates)) != len(dates):
            reasons.append("irregular payment periods")
        else:
            common: set[UnitPeriod] | None = None
            for k in range(len(dates) - 1):
                labels = _period_labels(dates, k)
                common = labels if common is None else common & labels
            if not common:
                reasons.append("irregular payment periods")
    middle = {a for _, a in paying[1:-1]}
    if len(middle) > 1:
        reasons.append("irregular payment amounts")
    return tuple(reasons)


@dataclass(frozen=True, slots=True, kw_only=True)
class AprCheck:
    """Whether a disclosed APR is accurate under 12 CFR 1026.22(a)(2)-(3).

    Attributes
    ----------
    disclosed, actual
        The disclosed APR and the APR computed by Appendix J, as fractions.
    difference
        ``disclosed - actual`` (positive: overstated).
    tolerance
        ``Decimal('0.00125')`` (1/8 of 1 percentage point, regular) or
        ``Decimal('0.0025')`` (1/4 point, irregular).
    accurate
        ``abs(difference) <= tolerance`` ("not more than ... above or below").
    classification
        ``"regular"`` or ``"irregular"``.
    reasons
        Why the transaction is irregular (empty when regular or when the caller decided).
    unit_period
        The unit-period used.
    citation
        The paragraph applied.
    """

    disclosed: Decimal
    actual: Decimal
    difference: Decimal
    tolerance: Decimal
    accurate: bool
    classification: Literal["regular", "irregular"]
    reasons: tuple[str, ...]
    unit_period: UnitPeriod
    citation: str

    @in_library_context
    def __repr__(self) -> str:
        verdict = "accurate" if self.accurate else "NOT accurate"
        def points(value: Decimal) -> Decimal:  # 4 places however large (a loan of
            wide = make_context(max(_CONTEXT.prec, value.adjusted() + 10))  # next to nothing)
            return (value * 100).quantize(Decimal("0.0001"), context=wide)

        return (f"<AprCheck {verdict}: disclosed {self.disclosed * 100:f}% vs actual "
                f"{points(self.actual)}%, off by {points(self.difference)} points, tolerance "
                f"{self.tolerance * 100:f} ({self.classification}; {self.citation})>")


#: The largest APR :func:`check_apr` takes as disclosed (a fraction: 1,000,000%).
_MAX_DISCLOSED_APR = Decimal(10_000)


@in_library_context
def check_apr(disclosed: AmountLike,
              payments_or_schedule: Schedule | Iterable[tuple[DateLike, AmountLike]], *,
              amount_financed: AmountLike | None = None,
              advance_date: DateLike | None = None,
              advances: Iterable[tuple[DateLike, AmountLike]] | None = None,
              regular: bool | None = None,
              unit_period: UnitPeriod | str | None = None,
              prepaid_finance_charge: AmountLike = 0) -> AprCheck:
    """Whether a disclosed annual percentage rate is accurate, and by how much it is off.

    Parameters
    ----------
    disclosed
        The disclosed APR as a fraction (``"0.0969"`` for 9.69%).
    payments_or_schedule
        A :class:`~bnpl_restructure.schedule.Schedule`, or ``(date, amount)`` payment
        pairs as for :func:`reg_z_apr`.
    amount_financed, advance_date, advances, unit_period, prepaid_finance_charge
        As for :func:`reg_z_apr`. With a Schedule, ``amount_financed`` (if given)
        replaces the schedule's principal.
    regular
        ``True`` / ``False`` to state whether the transaction is regular; ``None``
        (default) classifies it by 1026.22(a)(3): irregular if it has multiple advances,
        irregular payment periods, or irregular payment amounts other than an irregular
        first period or an irregular first or final payment.

    Returns
    -------
    AprCheck

    Raises
    ------
    InvalidArgumentError, NoSolutionError
        As :func:`reg_z_apr`; ``disclosed`` must be a finite number.

    References
    ----------
    12 CFR 1026.22(a)(2): accurate if not more than 1/8 of 1 percentage point above or
    below the APR determined by 1026.22(a)(1) (Appendix J); 1026.22(a)(3): 1/4 of 1
    percentage point in an irregular transaction. The special mortgage tolerances of
    1026.22(a)(4)-(5) are not applied.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("5000", annual_rate="0.12", installments=24,
    ...                  start="2024-01-10", currency="USD").schedule()
    >>> check_apr("0.1210", s).accurate, check_apr("0.1213", s).accurate
    (True, False)
    >>> check_apr("0.1213", s).citation
    '12 CFR 1026.22(a)(2)'
    """
    stated = to_decimal(disclosed, argument="disclosed")
    if not -1 < stated <= _MAX_DISCLOSED_APR:
        raise InvalidArgumentError("disclosed", "must be an annual rate as a fraction above "
                                   "-1 and at most 10000 (1,000,000%), e.g. '0.0969' for "
                                   "9.69%", received=disclosed)
    schedule = payments_or_schedule if isinstance(payments_or_schedule, Schedule) else None
    if schedule is not None and advances is not None:
        raise InvalidArgumentError("advances", "must not be given with a Schedule",
                                   received=advances)
    try:
        if schedule is None:
            lent, paid = _resolve(amount_financed, payments_or_schedule,
                                  advance_date=advance_date, advances=advances,
                                  prepaid_finance_charge=prepaid_finance_charge)
        else:
            lent, paid = _resolve(schedule, None, advance_date=advance_date, advances=None,
                                  prepaid_finance_charge=prepaid_finance_charge,
                                  financed_override=amount_financed)
        solved = _solve(lent, paid, unit_period)
    except InvalidArgumentError as exc:  # the public name of the payments
        raise renamed(exc, "payments", "payments_or_schedule") from None
    if regular is None:
        reasons = _classify(lent, paid)
        is_regular = not reasons
    elif isinstance(regular, bool):
        reasons, is_regular = (), regular
    else:
        raise InvalidArgumentError("regular", "must be True, False or None",
                                   received=regular)
    tolerance = REGULAR_TOLERANCE if is_regular else IRREGULAR_TOLERANCE
    difference = stated - solved.apr
    return AprCheck(disclosed=stated, actual=solved.apr, difference=difference,
                    tolerance=tolerance, accurate=abs(difference) <= tolerance,
                    classification="regular" if is_regular else "irregular",
                    reasons=reasons, unit_period=solved.unit,
                    citation="12 CFR 1026.22(a)(2)" if is_regular else "12 CFR 1026.22(a)(3)")


@dataclass(frozen=True, slots=True, kw_only=True)
class FinanceChargeCheck:
    """Whether a disclosed finance charge is accurate under 12 CFR 1026.18(d).

    Attributes
    ----------
    disclosed, actual
        Disclosed and computed finance charge (major units).
    difference
        ``disclosed - actual`` (positive: overstated).
    tolerance
        $5 or $10 either way (1026.18(d)(2)); $100 understatement for a mortgage
        (1026.18(d)(1)).
    accurate
        Whether the disclosure is treated as accurate.
    citation
        The paragraph applied.
    """

    disclosed: Decimal
    actual: Decimal
    difference: Decimal
    tolerance: Decimal
    accurate: bool
    citation: str

    @in_library_context
    def __repr__(self) -> str:
        verdict = "accurate" if self.accurate else "NOT accurate"
        return (f"<FinanceChargeCheck {verdict}: disclosed {self.disclosed} vs actual "
                f"{self.actual}, off by {self.difference} ({self.citation})>")


@in_library_context
def check_finance_charge(disclosed: AmountLike, schedule: Schedule, *,
                         prepaid_finance_charge: AmountLike = 0,
                         secured_by_dwelling: bool = False) -> FinanceChargeCheck:
    """Whether a disclosed finance charge is treated as accurate.

    Parameters
    ----------
    disclosed
        The disclosed finance charge in major units.
    schedule
        The schedule the finance charge belongs to (:func:`finance_charge`).
    prepaid_finance_charge
        As in :func:`amount_financed`.
    secured_by_dwelling
        ``True`` for a transaction secured by real property or a dwelling (1026.18(d)(1)).

    Returns
    -------
    FinanceChargeCheck
        Under 1026.18(d)(2) ("other credit"): accurate if not more than $5 above or below
        the amount required when the amount financed is $1,000 or less, $10 when it is
        more than $1,000. Under 1026.18(d)(1) (mortgage): accurate if understated by no
        more than $100, or greater than the amount required.

    Raises
    ------
    InvalidArgumentError
        For a non-number ``disclosed`` or an invalid schedule.

    References
    ----------
    12 CFR 1026.18(d)(1)-(2). The thresholds are dollars; they are applied to the
    schedule's major units.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2024-01-15", currency="USD").schedule()
    >>> check_finance_charge("26.00", s).accurate, check_finance_charge("26.01", s).accurate
    (True, False)
    """
    schedule = _check_schedule(schedule)
    stated = to_decimal(disclosed, argument="disclosed")
    actual = finance_charge(schedule, prepaid_finance_charge=prepaid_finance_charge)
    difference = stated - actual
    if secured_by_dwelling:
        tolerance = Decimal(100)
        return FinanceChargeCheck(disclosed=stated, actual=actual, difference=difference,
                                  tolerance=tolerance, accurate=difference >= -tolerance,
                                  citation="12 CFR 1026.18(d)(1)")
    financed = amount_financed(schedule, prepaid_finance_charge=prepaid_finance_charge)
    tolerance = Decimal(5) if financed <= 1000 else Decimal(10)
    return FinanceChargeCheck(disclosed=stated, actual=actual, difference=difference,
                              tolerance=tolerance, accurate=abs(difference) <= tolerance,
                              citation="12 CFR 1026.18(d)(2)")

