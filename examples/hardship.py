"""A borrower in hardship: where the loan stands, and what can be offered.

The seed's plan (6,000.00 CNY, 12 installments at a 0.6% monthly flat fee) with only the
first installment paid. On 2026-04-20 two installments are overdue; the borrower earns
1,500.00 a month. This script prints the position (servicing), the options side by side
(restructuring), the HAMP-style search for an installment at 31% of income, and a re-age
refused by the FFIEC policy with the rule that fails.

Run: python examples/hardship.py
"""

from decimal import Decimal

from bnpl_restructure.errors import RestructureNotAllowedError
from bnpl_restructure.examples import seed_plan
from bnpl_restructure.restructure import (
    CapitalizeArrears,
    ExtendTerm,
    PaymentHoliday,
    ReducePayment,
    WaiveFees,
    compare,
    find_option,
    re_age,
)
from bnpl_restructure.servicing import ServicingTerms, loan_state


def main() -> None:
    schedule = seed_plan().schedule()
    state = loan_state(schedule, [("2026-02-15", "536.00")], as_of="2026-04-20",
                       terms=ServicingTerms.jd_baitiao())
    print(state)
    for o in state.overdue:
        print(f"  installment {o.number} due {o.due_date}: {o.total} unpaid "
              f"({o.days_past_due} days; penalty {o.penalty})")
    print()

    table = compare(state, [
        [CapitalizeArrears(), ExtendTerm(periods=6)],
        [CapitalizeArrears(), ExtendTerm(periods=12)],
        [CapitalizeArrears(), PaymentHoliday(periods=2)],
        [CapitalizeArrears(), ReducePayment(fraction="0.5", periods=3, shortfall="defer")],
        [CapitalizeArrears(), WaiveFees(), ExtendTerm(periods=6)],
    ], discount_rate="0.05", monthly_income="1500", default_probability="0.4",
        redefault_probability="0.15", recovery_rate="0.3")
    print("Lender NPV at 5%, weighing defaults as the HAMP NPV test does: no change defaults "
          "with probability 40%, a modified plan 15%, a default recovers 30% of principal.")
    print(table)
    print()

    target = (Decimal("1500") * Decimal("0.31")).quantize(Decimal("0.01"))
    found = find_option(state, target_payment=target)
    print(f"HAMP-style search for an installment of at most {target}:")
    print(f"  {found!r}")
    if found:
        print(found.schedule.to_text())
    print()

    try:
        re_age(state)
    except RestructureNotAllowedError as refusal:
        print(f"Re-age: {refusal}")


if __name__ == "__main__":
    main()
