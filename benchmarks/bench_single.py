"""One 12-installment annuity schedule read in full: bnpl_restructure vs pyxirr vs
numpy-financial.

Run by hand (not part of the test suite)::

    python benchmarks/bench_single.py [--rounds 200] [--number 200] [--profile]

What is measured: the plan built from text inputs (principal, rate, start date, as a web
form sends them), its schedule computed, and all six fields (due date, payment,
principal, interest, fee, balance) of all 12 rows read as exact ``Decimal`` values; not a
lazy object. The principal and start date vary from call to call (997 terms in turn), so
nothing is reused between calls but what a real service reuses too (the parsed quoted
rate). The peers compute float64 money only (no dates, no rounding to the cent):
pyxirr's scalar ``pmt`` + 12 ``ipmt`` + 12 ``ppmt``, and numpy-financial's vectorised
``pmt`` + ``ipmt``/``ppmt`` over ``arange(1, 13)``.

The variants run interleaved: each round times ``--number`` calls of every variant in
turn, so a change of load on the machine affects them alike; the ratios are medians of
the per-round ratios. Prints medians in µs per call, and with ``--profile`` the cProfile
hotspots of the headline variant.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import pstats
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import numpy_financial as npf
import pyxirr

from bnpl_restructure import Plan
from bnpl_restructure.core import run_single

RATE = 0.08 / 12
PERIODS = 12
PRINCIPAL = 10_000.0
PER = np.arange(1, PERIODS + 1)

# Varying terms as text (principal and start date), so nothing can be reused between
# calls but what a real service reuses too (the parsed quoted rate).
TERMS = itertools.cycle([(f"{10_000 + 37 * k}.{k % 100:02d}",
                          (date(2024, 1, 1) + timedelta(days=k)).isoformat())
                         for k in range(997)])


def _read(schedule: object) -> list[object]:
    """All six fields of every row."""
    return [(row.due_date, row.payment, row.principal, row.interest, row.fee, row.balance)
            for row in schedule]  # type: ignore[attr-defined]


def ours_full() -> object:
    principal, start = next(TERMS)
    schedule = Plan.annuity(principal, annual_rate="0.08", installments=12,
                            start=start).schedule()
    _read(schedule)
    return schedule


def ours_build_and_schedule() -> object:
    principal, start = next(TERMS)
    return Plan.annuity(principal, annual_rate="0.08", installments=12,
                        start=start).schedule()


def ours_build_only() -> object:
    principal, start = next(TERMS)
    return Plan.annuity(principal, annual_rate="0.08", installments=12, start=start)


PLAN = Plan.annuity("10000", annual_rate="0.08", installments=12, start="2024-01-15")
PROGRAM = PLAN.program()
READ_TWICE = PLAN.schedule()
_read(READ_TWICE)


def ours_schedule_again() -> object:
    return PLAN.schedule()


def ours_read_again() -> object:
    _read(READ_TWICE)
    return READ_TWICE


def ours_kernel_only() -> object:
    return run_single(PROGRAM)


def pyxirr_scalar_loop() -> object:
    payment = pyxirr.pmt(RATE, PERIODS, PRINCIPAL)
    interest = [pyxirr.ipmt(RATE, k, PERIODS, PRINCIPAL) for k in range(1, PERIODS + 1)]
    principal = [pyxirr.ppmt(RATE, k, PERIODS, PRINCIPAL) for k in range(1, PERIODS + 1)]
    return payment, interest, principal


def pyxirr_vectorised() -> object:
    return (pyxirr.pmt(RATE, PERIODS, PRINCIPAL), pyxirr.ipmt(RATE, PER, PERIODS, PRINCIPAL),
            pyxirr.ppmt(RATE, PER, PERIODS, PRINCIPAL))


def npf_vectorised() -> object:
    return (npf.pmt(RATE, PERIODS, PRINCIPAL), npf.ipmt(RATE, PER, PERIODS, PRINCIPAL),
            npf.ppmt(RATE, PER, PERIODS, PRINCIPAL))


HEADLINE = "ours: Plan.annuity(text) + schedule() + read 6 fields × 12 rows"
PYXIRR = "pyxirr: pmt + 12 ipmt + 12 ppmt (scalar calls)"
NPF = "numpy-financial: pmt + ipmt/ppmt over arange(1, 13)"
VARIANTS: dict[str, Callable[[], object]] = {
    HEADLINE: ours_full,
    "ours: Plan.annuity(text) + schedule() (rows not read)": ours_build_and_schedule,
    "ours: Plan.annuity(text) (build only)": ours_build_only,
    "ours: plan.schedule() again (compiled program cached)": ours_schedule_again,
    "ours: reading a schedule's rows a second time": ours_read_again,
    "ours: run_single(program) (kernel only)": ours_kernel_only,
    PYXIRR: pyxirr_scalar_loop,
    "pyxirr: pmt + ipmt/ppmt over arange(1, 13)": pyxirr_vectorised,
    NPF: npf_vectorised,
}


def check() -> None:
    """The variants compute the same money (ours exact, the peers in floats)."""
    schedule = Plan.annuity("10000", annual_rate="0.08", installments=12,
                            start="2024-01-15").schedule()
    peer = Decimal(str(round(-pyxirr.pmt(RATE, PERIODS, PRINCIPAL), 2)))
    assert schedule[0].payment == peer, (schedule[0].payment, peer)
    interest = [Decimal(str(round(-pyxirr.ipmt(RATE, k, PERIODS, PRINCIPAL), 2)))
                for k in range(1, 12)]
    assert [row.interest for row in schedule][:3] == interest[:3]
    assert abs(npf.pmt(RATE, PERIODS, PRINCIPAL) - pyxirr.pmt(RATE, PERIODS, PRINCIPAL)) < 1e-9


def interleaved(rounds: int, number: int) -> dict[str, list[float]]:
    """µs per call of every variant, one list entry per round."""
    out: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(rounds):
        for name, func in VARIANTS.items():
            begin = time.perf_counter()
            for _ in range(number):
                func()
            out[name].append((time.perf_counter() - begin) / number * 1e6)
    return out


def profile(calls: int = 20_000, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        ours_full()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    check()
    times = interleaved(args.rounds, args.number)
    width = max(map(len, times))
    print(f"{'variant':<{width}}  median µs/call (min)")
    for name, values in times.items():
        print(f"{name:<{width}}  {statistics.median(values):8.2f} ({min(values):.2f})")
    for peer in (PYXIRR, NPF):
        ratios = [o / p for o, p in zip(times[HEADLINE], times[peer], strict=True)]
        print(f"headline / {peer.split(':')[0]}: median {statistics.median(ratios):.2f}×, "
              f"range {min(ratios):.2f}–{max(ratios):.2f}×")
    if args.profile:
        print(profile())


if __name__ == "__main__":
    main()
