"""The charts of bnpl_restructure.plot, saved as PNG files.

Three charts of the seed's plan (6,000.00 CNY, 12 installments at a 0.6% monthly flat
fee) and of its borrower in hardship (two installments behind on 2026-04-20, earning
1,500.00 a month), the same case as seed_story.py and hardship.py:

- schedule.png: the schedule's composition (principal, fee, balance);
- options.png: restructuring options compared (balances, payments, cost against relief);
- fee-rate.png: what "0.6% a month" really costs a year, by the number of installments.

These are the images of docs/howto/charts-and-notebooks.md (docs/images/, made by this
script; tests/test_examples.py runs it into a temporary directory).

Run: python examples/charts.py [--out DIRECTORY]   (default docs/images; needs the plot
extra: pip install 'bnpl_restructure[plot]')
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window

import matplotlib.pyplot as plt

from bnpl_restructure.examples import seed_plan
from bnpl_restructure.plot import fee_rate_chart, options_chart
from bnpl_restructure.restructure import (
    CapitalizeArrears,
    ExtendTerm,
    PaymentHoliday,
    WaiveFees,
    compare,
)
from bnpl_restructure.servicing import ServicingTerms, loan_state

DPI = 100


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    schedule = seed_plan().schedule()

    ax = schedule.plot()
    ax.figure.set_size_inches(9, 4.5)
    ax.figure.savefig(out / "schedule.png", dpi=DPI)
    plt.close(ax.figure)

    state = loan_state(schedule, [("2026-02-15", "536.00")], as_of="2026-04-20",
                       terms=ServicingTerms.jd_baitiao())
    table = compare(state, [
        [CapitalizeArrears(), ExtendTerm(periods=6)],
        [CapitalizeArrears(), ExtendTerm(periods=12)],
        [CapitalizeArrears(), PaymentHoliday(periods=2)],
        [CapitalizeArrears(), WaiveFees(), ExtendTerm(periods=6)],
    ], discount_rate="0.05", monthly_income="1500")
    figure = options_chart(table)
    figure.set_size_inches(16, 4.8)
    figure.savefig(out / "options.png", dpi=DPI)
    plt.close(figure)

    ax = fee_rate_chart("0.6%")
    ax.figure.set_size_inches(8, 4.5)
    ax.figure.savefig(out / "fee-rate.png", dpi=DPI)
    plt.close(ax.figure)

    for name in ("schedule.png", "options.png", "fee-rate.png"):
        print(f"wrote {out / name} ({(out / name).stat().st_size:,} bytes)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parents[1] / "docs" / "images")
    main(parser.parse_args().out)
