"""Servicing replay: time against the number of events, never the number of days.

Cases (each timed as the median of ``--rounds`` runs of ``loan_state``):

- ``overdue``: a weekly plan of N installments, nothing paid, asked about on its last due
  date (default terms, then JD Baitiao terms: penalty every day on every installment);
- ``paid``: the same plan paid on every due date, asked about at maturity;
- ``far``: the overdue plan asked about on 9999-12-31 (a far day must cost what the last
  due date costs);
- ``apply``: the paid plan kept incrementally, one ``state.apply(payment)`` per
  installment, per call.

N is 1,040 (20 years weekly), and 520 and 2,080 (4×): the ratio of the times shows the growth
(linear: 4×; the target is at most 6×).

    python benchmarks/bench_servicing.py                 # N = 1,040 and 4,160
    python benchmarks/bench_servicing.py --sizes 260 1040 4160 --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from bnpl_restructure import Plan
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import LoanState, ServicingTerms, loan_state


def _median(call: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _cases(n: int) -> tuple[Schedule, list[tuple[date, Decimal]],
                           dict[str, Callable[[], object]]]:
    s = Plan.annuity("100000.00", annual_rate="0.10", installments=n,
                     start="2026-01-05", frequency="weekly").schedule()
    last = s.due_dates[-1]
    paid = [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates, s.payment,
                                                       strict=True)]
    jd = ServicingTerms.jd_baitiao()
    return s, paid, {
        "overdue, default terms": lambda: loan_state(s, as_of=last),
        "overdue, JD Baitiao terms": lambda: loan_state(s, as_of=last, terms=jd),
        "overdue, JD, as_of 9999-12-31": lambda: loan_state(s, as_of=date(9999, 12, 31),
                                                            terms=jd),
        "paid on every due date": lambda: loan_state(s, paid, as_of=last),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[520, 2080])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    for n in args.sizes:
        s, paid, cases = _cases(n)
        start_state = loan_state(s, as_of=s.start)

        def incremental(start_state: LoanState = start_state,
                        paid: list[tuple[date, Decimal]] = paid) -> object:
            state = start_state
            for payment in paid:
                state = state.apply(payment)
            return state

        print(f"\nN = {n:,} weekly installments ({s.start} .. {s.due_dates[-1]})")
        for name, call in cases.items():
            t = _median(call, args.rounds)
            results.setdefault(name, []).append(t)
            print(f"  {name:32s} {t * 1000:9.1f} ms")
        t = _median(incremental, max(1, args.rounds // 2))
        results.setdefault("apply, per payment", []).append(t / n)
        print(f"  {'apply, per payment':32s} {t / n * 1e6:9.1f} µs  ({t:.2f} s in all)")
    if len(args.sizes) > 1:
        print(f"\ngrowth from N = {args.sizes[0]:,} to {args.sizes[-1]:,} "
              f"({args.sizes[-1] / args.sizes[0]:.0f}× the installments):")
        for name, times in results.items():
            print(f"  {name:32s} {times[-1] / times[0]:6.2f}×")


if __name__ == "__main__":
    main()
