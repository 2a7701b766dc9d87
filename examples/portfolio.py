"""A portfolio of 100,000 installment loans through the batch kernel.

Every loan is exact to the cent (integer minor units, int64 or exact Python integers,
never floats). The script builds a random but reproducible portfolio, runs it through
``batch.annuity_batch`` / ``batch.flat_fee_batch``, prints portfolio totals and the time
each step took, and checks one loan against the single-loan ``Plan`` API.

Run: python examples/portfolio.py [--loans N]
"""

import argparse
import time

import numpy as np

from bnpl_restructure import Plan
from bnpl_restructure.batch import annuity_batch, flat_fee_batch
from bnpl_restructure.money import CNY


def main(loans: int) -> None:
    rng = np.random.default_rng(20260115)
    principal = rng.integers(100_000, 5_000_001, size=loans)         # 1,000.00 .. 50,000.00
    installments = rng.choice([3, 6, 12, 24, 36], size=loans)
    annual_bp = rng.choice([0, 600, 1200, 1800, 2400], size=loans)  # nominal, basis points
    # rate of one month as an exact ratio: annual_bp / 10,000 / 12
    numerator, denominator = annual_bp, 120_000

    t0 = time.perf_counter()
    annuity = annuity_batch(principal, periodic_rate_numerator=numerator,
                            periodic_rate_denominator=denominator, installments=installments)
    t1 = time.perf_counter()
    fee_rate_per_mille = rng.choice([0, 5, 6, 7], size=loans)        # 0.5% .. 0.7% a month
    flat = flat_fee_batch(principal, fee_rate_numerator=fee_rate_per_mille,
                          fee_rate_denominator=1000, installments=installments)
    t2 = time.perf_counter()

    def money(minor: int) -> str:
        return f"CNY {CNY.to_major(int(minor)):,}"

    periods = annuity.payment.shape[0]
    print(f"{loans:,} loans, up to {periods} monthly installments each")
    print(f"amount financed          {money(principal.sum())}")
    print()
    print("annuity (等额本息) at 0-24% nominal a year")
    print(f"  total of payments      {money(annuity.payment.sum())}")
    print(f"  total interest         {money(annuity.interest.sum())}")
    print(f"  principal repaid       {money(annuity.principal.sum())}")
    print(f"  time                   {(t1 - t0) * 1000:,.0f} ms "
          f"(payment arrays {annuity.payment.shape}, dtype {annuity.payment.dtype})")
    print()
    print("flat fee (等本等息) at 0-0.7% of the original principal a month")
    print(f"  total of payments      {money(flat.payment.sum())}")
    print(f"  total fees             {money(flat.fee.sum())}")
    print(f"  time                   {(t2 - t1) * 1000:,.0f} ms")
    print()

    # Conservation, checked on the whole portfolio at once.
    assert annuity.principal.sum() == principal.sum() == flat.principal.sum()
    assert (annuity.payment == annuity.principal + annuity.interest + annuity.fee).all()
    assert (annuity.balance[-1] == 0).all() and (flat.balance[-1] == 0).all()

    # One loan, checked against the single-loan API (same rows, to the cent).
    j = int(np.argmax(annual_bp == 1800))
    n = int(installments[j])
    plan = Plan.annuity(CNY.to_major(int(principal[j])), annual_rate="18%",
                        installments=n, start="2026-01-15")
    assert annuity.loan(j, n).payment == plan.schedule().payment
    print(f"loan #{j}: {plan!r}")
    print(f"  first payment {plan.schedule()[0].payment}, identical rows in batch and Plan")
    print()
    as_data_frame(principal, installments, annual_bp, annuity.interest.sum())


def as_data_frame(principal: np.ndarray, installments: np.ndarray, annual_bp: np.ndarray,
                  batch_interest: int) -> None:
    """The same loans as a loan book (a pandas DataFrame) through Portfolio."""
    try:
        import pandas as pd
    except ImportError:  # the pandas extra
        print("(pip install 'bnpl_restructure[pandas]' for the data-frame part)")
        return
    from bnpl_restructure import Portfolio

    book = pd.DataFrame({"loan_id": np.arange(len(principal)), "amount": principal,
                         "annual_rate": [f"{bp / 100:g}%" for bp in annual_bp.tolist()],
                         "installments": installments, "start": "2026-01-15"})
    t0 = time.perf_counter()
    portfolio = Portfolio.from_frame(book, amount_units="minor")  # amounts in fen
    loans = portfolio.loans(money="float")
    t1 = time.perf_counter()
    rates = portfolio.rates(which=("cn_irr", "reg_z_apr"))
    t2 = time.perf_counter()
    print(f"as a data frame: {portfolio!r}")
    print(f"  read and scheduled in  {(t1 - t0) * 1000:,.0f} ms; rates in "
          f"{(t2 - t1) * 1000:,.0f} ms")
    by_rate = loans.groupby(annual_bp).total_interest.sum()  # numeric money: group-bys
    for bp, interest in by_rate.items():
        print(f"  interest at {bp / 100:>3g}% a year  CNY {interest:>16,.2f}")
    print(f"  true annual rate (IRR, PBOC 2021 No. 3): median "
          f"{rates.cn_irr.median():.2%}, max {rates.cn_irr.max():.2%}")
    # the frame's totals (int64 fen) are the batch arrays' to the fen
    assert int(portfolio.loans().total_interest.sum()) == int(batch_interest)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=100_000)
    main(parser.parse_args().loans)
