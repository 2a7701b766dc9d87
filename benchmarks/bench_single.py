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
import pstats
import statistics
import timeit
from collections.abc import Callable
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


def ours_build_and_schedule() -> object:
    return Plan.annuity("10000", annual_rate="0.08", installments=12,
                        start="2024-01-15").schedule()


PLAN = Plan.annuity("10000", annual_rate="0.08", installments=12, start="2024-01-15")
PROGRAM = PLAN.program()


def ours_schedule_only() -> object:
    return PLAN.schedule()


def ours_program_and_kernel() -> object:
    return run_single(PLAN.program())


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
    "ours: plan.schedule() (pre-built plan)": ours_schedule_only,
    "ours: run_single(plan.program())": ours_program_and_kernel,
    "ours: run_single(program) (kernel only)": ours_kernel_only,
    "pyxirr: pmt + 12 ipmt + 12 ppmt (scalar calls)": pyxirr_scalar_loop,
    "pyxirr: pmt + ipmt/ppmt over arange(1, 13)": pyxirr_vectorised,
    "numpy-financial: pmt + ipmt/ppmt over arange(1, 13)": npf_vectorised,
}


def median_us(func: Callable[[], object], *, repeat: int, number: int) -> float:
    """Median over ``repeat`` runs of the mean time of ``number`` calls, in µs."""
    times = timeit.Timer(func).repeat(repeat=repeat, number=number)
    return statistics.median(times) / number * 1e6


def check() -> None:
    """The variants compute the same first payment (ours exact, the peers in floats)."""
    ours = ours_build_and_schedule()
    first = ours[0].payment  # type: ignore[index]
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
    results = {name: median_us(func, repeat=args.repeat, number=args.number)
               for name, func in VARIANTS.items()}
    width = max(map(len, results))
    print(f"{'variant':<{width}}  median µs/call")
    for name, value in results.items():
        print(f"{name:<{width}}  {value:10.2f}")
    if args.profile:
        print(profile())


if __name__ == "__main__":
    main()
