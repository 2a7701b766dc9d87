"""Same principal, four products: what each costs, side by side.

12,000.00 CNY over 12 months, bought on 2026-01-15:

- annuity (等额本息) at a nominal 12% a year,
- equal principal (等额本金) at a nominal 12% a year,
- flat fee (等本等息) at 0.5% of the original principal a month,
- interest-only at a nominal 12% a year, principal as a balloon at the end.

For each: the first and last payment, totals, and the true annual rate under China's
IRR rule, Regulation Z (Appendix J) and the EU Consumer Credit Directive (Annex I).

Run: python examples/compare_plans.py
"""

from bnpl_restructure import Plan
from bnpl_restructure.apr import cn_annualized_rate, eu_aprc, format_rate, reg_z_apr

PRINCIPAL = "12000.00"
TERMS = {"installments": 12, "start": "2026-01-15"}


def plans() -> dict[str, Plan]:
    return {
        "annuity 12%": Plan.annuity(PRINCIPAL, annual_rate="12%", **TERMS),
        "equal principal 12%": Plan.equal_principal(PRINCIPAL, annual_rate="12%", **TERMS),
        "flat fee 0.5%/month": Plan.flat_fee(PRINCIPAL, fee_rate="0.5%", **TERMS),
        "interest-only 12%": Plan.interest_only(PRINCIPAL, annual_rate="12%", **TERMS),
    }


def main() -> None:
    header = ("plan", "first", "last", "interest+fees", "total paid", "CN IRR",
              "Reg Z APR", "EU APRC")
    rows = [header]
    for name, plan in plans().items():
        s = plan.schedule()
        rows.append((
            name,
            f"{s[0].payment:,}",
            f"{s[-1].payment:,}",
            f"{s.total_cost:,}",
            f"{s.total_of_payments:,}",
            format_rate(cn_annualized_rate(plan).nominal),
            format_rate(reg_z_apr(s)),
            format_rate(eu_aprc(plan), 1),
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    print()
    print("On the interest-bearing plans the nominal rates (China's IRR x 12, the Reg Z")
    print("APR) equal the contract's 12%; the EU APRC is an effective annual rate, so it")
    print("shows 1.01^12 - 1 = 12.7%. The flat fee costs less money than the annuity, yet")
    print("its true rate is 10.90%, not the 6% that 0.5% x 12 suggests: the fee keeps")
    print("being charged on principal that has already been repaid.")

if __name__ == "__main__":
    main()
