"""Invariant checks on schedules, for the library's tests and for users' suites.

Each check raises :class:`AssertionError` with a message that names the row and the
identity that fails, so it can be called from any test framework.

Examples
--------
>>> from bnpl_restructure import Plan
>>> check_schedule(Plan.annuity("1000", annual_rate="0.1", installments=6,
...                             start="2024-01-31").schedule())
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from ..core import PaymentRule, Program, exact_columns
from ..errors import InvalidArgumentError
from ..rounding import round_ratio
from ..schedule import Schedule

__all__ = ["check_schedule"]


def check_schedule(schedule: Schedule, *, allow_capitalization: bool = False,
                   complete: bool = True) -> None:
    """Assert the money identities of a schedule.

    - every row: ``payment == principal + interest + fee`` and no negative money;
    - the balance after each row is the previous balance less the principal paid (plus
      capitalized interest) — except in spreadsheet-style (exact balance) schedules,
      whose published balances follow the exact balance; it never increases unless
      ``allow_capitalization``;
    - when ``complete`` (a whole plan, not an ``until()`` view): the principal parts add
      up to the opening principal plus capitalized interest and the final balance is
      exactly zero (or, with the level payment kept on the last row, the closing
      balance it leaves, which the principal parts then fall short by); in a
      carried-precision schedule (``balance="carried"``) the
      principal parts may differ from it by the rounding of the interest cells (less
      than a minor unit a row), and the total of payments is the amount financed plus
      the program's exact total interest (and fees), rounded once;
    - due dates strictly increase.

    Raises
    ------
    InvalidArgumentError
        ``schedule`` is not a :class:`~bnpl_restructure.schedule.Schedule`.
    AssertionError
        An invariant fails; the message names the row and the figures.
    """
    if not isinstance(schedule, Schedule):
        raise InvalidArgumentError("schedule", "must be a Schedule", received=schedule)
    program = schedule.program
    exact = program is not None and program.exact_balance
    carried = program is not None and program.carried_payoff
    # the level payment kept on the last row leaves its residual as the closing balance
    closing = schedule.balance[-1] if schedule.balance and program is not None and (
        program.periods[-1].rule is PaymentRule.FIXED) else 0
    opening = schedule.principal
    for k in range(len(schedule)):
        number = schedule.first_number + k
        pay, prin = schedule.payment[k], schedule.principal_paid[k]
        interest, fee = schedule.interest[k], schedule.fee[k]
        assert pay == prin + interest + fee, (
            f"row {number}: payment {pay} != principal {prin} + interest {interest} + "
            f"fee {fee}")
        assert min(pay, prin, interest, fee) >= 0, f"row {number}: negative money"
        expected = opening - prin + schedule.capitalized[k] - schedule.forgiven[k]
        assert exact or schedule.balance[k] == expected, (
            f"row {number}: balance {schedule.balance[k]} != {opening} - {prin} + "
            f"{schedule.capitalized[k]}")
        if not allow_capitalization:
            assert schedule.balance[k] <= opening, f"row {number}: balance increased"
        opening = schedule.balance[k]
    if complete and carried and program is not None:
        _check_carried(schedule, program)
    elif complete:
        total = schedule.principal + sum(schedule.capitalized) - sum(schedule.forgiven) \
            - closing
        assert sum(schedule.principal_paid) == total, (
            f"principal parts add up to {sum(schedule.principal_paid)}, expected {total}")
    if complete and len(schedule):
        assert schedule.balance[-1] == closing, (
            f"final balance {schedule.balance[-1]} != {closing}")
    dues = schedule.due_dates
    assert all(a < b for a, b in itertools.pairwise(dues)), \
        "due dates do not strictly increase"


def _check_carried(schedule: Schedule, program: Program) -> None:
    """The identities of a carried-precision schedule (see :func:`check_schedule`)."""
    exact = exact_columns(program)
    owed = program.principal
    # principal and interest are rounded once, in whole; fees are whole already and are
    # added after (rounding the sum with the fees in it can differ at a half-even tie)
    total_exact = sum(exact["payment_pi"], Fraction(0))
    rounded = round_ratio(total_exact.numerator, total_exact.denominator,
                          program.payment_rounding) + sum(schedule.fee)
    assert sum(schedule.payment) == rounded, (
        f"total of payments {sum(schedule.payment)} is not the exact principal and "
        f"interest {total_exact} rounded once, plus the fees ({rounded})")
    drift = sum(schedule.principal_paid) - (owed + sum(schedule.capitalized))
    assert abs(drift) <= len(schedule), (
        f"principal parts add up to {sum(schedule.principal_paid)}, more than the "
        f"interest cells' rounding away from {owed}")
