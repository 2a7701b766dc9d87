"""The seed story: 6,000.00 CNY in 12 installments at a 0.6% monthly fee.

A JD Baitiao-style 等本等息 plan: the fee is charged on the *original* principal every
month, so the quoted "0.6% a month" hides a true annual rate above 13%. This script
prints the schedule, the true cost under China's IRR rule and under Regulation Z, and
the fee-rate table a borrower should see before signing.

Run: python examples/seed_story.py
"""

from bnpl_restructure.apr import cn_annualized_rate, fee_rate_table, format_rate, reg_z_apr
from bnpl_restructure.disclosure import disclose
from bnpl_restructure.examples import seed_plan


def main() -> None:
    plan = seed_plan()  # Plan.flat_fee("6000.00", fee_rate="0.006", installments=12, ...)
    schedule = plan.schedule()

    print(repr(plan))
    print()
    print(schedule.to_text())
    print()

    headline = plan.fee_rate * 12
    print(f"Quoted: {format_rate(plan.fee_rate)} a month, "
          f"which looks like {format_rate(headline)} a year.")
    cn = cn_annualized_rate(plan, include_simple=True)
    print(f"China (PBOC Announcement [2021] No. 3, IRR method): "
          f"{format_rate(cn.nominal)} nominal, {format_rate(cn.compound)} compounded; "
          f"the simple-interest figure {format_rate(cn.simple)} is NOT the annualized rate")
    apr = reg_z_apr(schedule)
    print(f"US (12 CFR 1026 Appendix J, actuarial method): APR {format_rate(apr)}")
    print()

    print(disclose(plan, standard="cn"))
    print()
    print("What the same 0.6% monthly fee costs for other terms:")
    print(fee_rate_table("0.006"))


if __name__ == "__main__":
    main()
