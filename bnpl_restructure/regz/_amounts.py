"""The disclosed amounts: total of payments, amount financed, finance charge (1026.18)."""

from __future__ import annotations

from decimal import Decimal

from .._context import in_library_context
from ..errors import InvalidArgumentError
from ..money import AmountLike, to_decimal
from ..schedule import Schedule

# --------------------------------------------------------------- disclosure amounts

def _check_schedule(schedule: object) -> Schedule:
    if not isinstance(schedule, Schedule):
        raise InvalidArgumentError("schedule", "must be a bnpl_restructure Schedule",
                                   received=type(schedule).__name__)
    return schedule


def total_of_payments(schedule: Schedule) -> Decimal:
    """Regulation Z's "total of payments": the sum of every scheduled payment.

    Parameters
    ----------
    schedule
        The payment schedule of a new transaction.

    Returns
    -------
    decimal.Decimal
        Major units, in the schedule's currency.

    Raises
    ------
    InvalidArgumentError
        ``schedule`` is not a :class:`~bnpl_restructure.schedule.Schedule`.

    References
    ----------
    12 CFR 1026.18(h): "the amount you will have paid when you have made all scheduled
    payments".

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2024-01-15").schedule()
    >>> total_of_payments(s)
    Decimal('1021.00')
    """
    return _check_schedule(schedule).total_of_payments


@in_library_context
def amount_financed(schedule: Schedule, *, prepaid_finance_charge: AmountLike = 0) -> Decimal:
    """Regulation Z's "amount financed": the principal less any prepaid finance charge.

    Parameters
    ----------
    schedule
        The schedule; its principal at ``start`` is the principal loan amount (amounts the
        creditor finances that are not finance charges are part of it).
    prepaid_finance_charge
        Finance charge paid separately or withheld from the proceeds (major units, >= 0).

    Returns
    -------
    decimal.Decimal
        Major units with the currency's decimal places.

    Raises
    ------
    InvalidArgumentError
        If ``prepaid_finance_charge`` is negative or not less than the principal.

    References
    ----------
    12 CFR 1026.18(b)(1)-(3): the principal loan amount, plus other amounts financed that
    are not part of the finance charge, minus any prepaid finance charge.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2024-01-15").schedule()
    >>> amount_financed(s), amount_financed(s, prepaid_finance_charge="20")
    (Decimal('1000.00'), Decimal('980.00'))
    """
    schedule = _check_schedule(schedule)
    prepaid = to_decimal(prepaid_finance_charge, argument="prepaid_finance_charge")
    if prepaid < 0 or prepaid >= schedule.amount:
        raise InvalidArgumentError("prepaid_finance_charge", "must be at least 0 and less "
                                   f"than the principal {schedule.amount}",
                                   received=prepaid_finance_charge)
    return (schedule.amount - prepaid).quantize(schedule.currency.quantum)


@in_library_context
def finance_charge(schedule: Schedule, *, prepaid_finance_charge: AmountLike = 0) -> Decimal:
    """Regulation Z's "finance charge": what the credit costs in dollars.

    For a schedule it is the total of payments less the amount financed: every interest
    and fee part, plus any prepaid finance charge.

    Parameters
    ----------
    schedule
        The schedule of a new transaction.
    prepaid_finance_charge
        As in :func:`amount_financed`.

    Returns
    -------
    decimal.Decimal
        Major units.

    Raises
    ------
    InvalidArgumentError
        ``schedule`` is not a :class:`~bnpl_restructure.schedule.Schedule`;
        ``prepaid_finance_charge`` is not an amount from 0 to less than the principal.

    References
    ----------
    12 CFR 1026.18(d) ("the dollar amount the credit will cost you"); 1026.18(b), (h).

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2024-01-15").schedule()
    >>> finance_charge(s), finance_charge(s, prepaid_finance_charge="20")
    (Decimal('21.00'), Decimal('41.00'))
    """
    schedule = _check_schedule(schedule)
    return total_of_payments(schedule) - amount_financed(
        schedule, prepaid_finance_charge=prepaid_finance_charge)


