"""One 12-installment annuity schedule: bnpl_restructure vs pyxirr vs numpy-financial.

Run by hand (not part of the test suite)::

    python benchmarks/bench_single.py [--repeat 300] [--profile]

Prints the median time per call of each variant, in microseconds, and with
``--profile`` the cProfile hotspots of ``Plan.annuity(...).schedule()``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import pstats
import statistics
import time
import timeit
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import numpy_financial as npf
import pyxirr

from bnpl_restructure import Plan, core
from bnpl_restructure.core import run_single

RATE = 0.08 / 12
PERIODS = 12
PRINCIPAL = 10_000.0
PER = np.arange(1, PERIODS + 1)


# Varying terms (principal and start date), so nothing can be reused between calls but
# what a real service reuses too (the parsed quoted rate).
TERMS = itertools.cycle([(f"{10_000 + 37 * k}.{k % 100:02d}", date(2024, 1, 1)
                          + timedelta(days=k)) for k in range(997)])


def ours_build_and_schedule() -> object:
    principal, start = next(TERMS)
    return Plan.annuity(principal, annual_rate="0.08", installments=12,
                        start=start).schedule()


def ours_build_only() -> object:
    principal, start = next(TERMS)
    return Plan.annuity(principal, annual_rate="0.08", installments=12, start=start)


PLAN = Plan.annuity("10000", annual_rate="0.08", installments=12, start="2024-01-15")
PROGRAM = PLAN.program()


def ours_schedule_again() -> object:
    return PLAN.schedule()


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


VARIANTS: dict[str, Callable[[], object]] = {
    "ours: Plan.annuity(...).schedule() (build + schedule)": ours_build_and_schedule,
    "ours: Plan.annuity(...) (build only)": ours_build_only,
    "ours: plan.schedule() again (compiled program cached)": ours_schedule_again,
    "ours: run_single(program) (kernel only)": ours_kernel_only,
    "pyxirr: pmt + 12 ipmt + 12 ppmt (scalar calls)": pyxirr_scalar_loop,
    "pyxirr: pmt + ipmt/ppmt over arange(1, 13)": pyxirr_vectorised,
    "numpy-financial: pmt + ipmt/ppmt over arange(1, 13)": npf_vectorised,
}
FRESH = "ours: plan.schedule() of a new plan (compiles its program)"


def fresh_schedule_us(*, repeat: int, number: int) -> float:
    """Median µs of the first ``schedule()`` of freshly built plans (building untimed)."""
    times = []
    for _ in range(repeat):
        plans = [ours_build_only() for _ in range(number)]
        begin = time.perf_counter()
        for plan in plans:
            plan.schedule()  # type: ignore[attr-defined]
        times.append(time.perf_counter() - begin)
    return statistics.median(times) / number * 1e6


def median_us(func: Callable[[], object], *, repeat: int, number: int) -> float:
    """Median over ``repeat`` runs of the mean time of ``number`` calls, in µs."""
    times = timeit.Timer(func).repeat(repeat=repeat, number=number)
    return statistics.median(times) / number * 1e6


def check() -> None:
    """The variants compute the same first payment (ours exact, the peers in floats)."""
    first = PLAN.schedule()[0].payment
    peer = Decimal(str(round(-pyxirr.pmt(RATE, PERIODS, PRINCIPAL), 2)))
    assert first == peer, (first, peer)
    assert abs(npf.pmt(RATE, PERIODS, PRINCIPAL) - pyxirr.pmt(RATE, PERIODS, PRINCIPAL)) < 1e-9


def profile(calls: int = 20_000, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        ours_build_and_schedule()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    check()
    print(f"C accelerator in use: {core.NATIVE} (BNPL_RESTRUCTURE_PURE_PYTHON=1 turns it off)")
    results = {name: median_us(func, repeat=args.repeat, number=args.number)
               for name, func in VARIANTS.items()}
    results[FRESH] = fresh_schedule_us(repeat=args.repeat, number=args.number)
    width = max(map(len, results))
    print(f"{'variant':<{width}}  median µs/call")
    for name, value in results.items():
        print(f"{name:<{width}}  {value:10.2f}")
    if args.profile:
        print(profile())


if __name__ == "__main__":
    main()
