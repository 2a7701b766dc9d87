"""A portfolio of level-payment loans: the batch kernel vs numpy-financial's float broadcast.

Run by hand (not part of the test suite)::

    python benchmarks/bench_batch.py [--loans 100000] [--periods 36] [--repeat 7]
    python benchmarks/bench_batch.py --loans 1000000 --repeat 3 --isolate   # peak RSS too
    python benchmarks/bench_batch.py --profile                              # kernel hotspots
    python benchmarks/bench_batch.py --loans 10000000 --chunk 1000000 --repeat 1 --isolate

Variants (medians of ``--repeat`` runs, milliseconds):

* ``kernel``: :func:`bnpl_restructure.core.execute` on precomputed program arrays (rule,
  level payment, reduced rate ratio), exact integer minor units.
* ``annuity_batch``: :func:`bnpl_restructure.batch.annuity_batch` end to end (validation,
  exact level payments, program arrays, kernel).
* ``npf``: ``npf.pmt`` plus ``npf.ipmt`` / ``npf.ppmt`` over a ``(loans, periods)``
  broadcast, floats (no rounding to the cent, rows do not reconcile).

With ``--chunk N`` every variant runs the loans N at a time (each chunk's result dropped
before the next), the way a book larger than memory is run. With ``--isolate`` each
variant runs in a fresh subprocess, so its peak RSS
(``ru_maxrss``) is its own; the baseline RSS of the interpreter with the inputs is shown
too.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from bnpl_restructure.batch import annuity_batch
from bnpl_restructure.core import PaymentRule, execute

# Monthly rates of a handful of products, in basis points a period (12 distinct ratios).
RATES_BP = np.array([0, 25, 35, 50, 58, 66, 75, 83, 100, 125, 150, 200], dtype=np.int64)


def portfolio(loans: int, periods: int, seed: int = 20240115) -> dict[str, npt.NDArray[Any]]:
    """Principal 1,000.00 to 50,000.00 (fen), a rate from ``RATES_BP``, ``periods`` each."""
    rng = np.random.default_rng(seed)
    return {"principal": rng.integers(100_000, 5_000_001, size=loans, dtype=np.int64),
            "rate_bp": rng.choice(RATES_BP, size=loans),
            "installments": np.full(loans, periods, dtype=np.int64)}


def run_annuity_batch(data: dict[str, npt.NDArray[Any]]) -> Any:
    return annuity_batch(data["principal"], periodic_rate_numerator=data["rate_bp"],
                         periodic_rate_denominator=10_000, installments=data["installments"])


def kernel_inputs(data: dict[str, npt.NDArray[Any]], periods: int) -> dict[str, Any]:
    """The program arrays annuity_batch hands to the kernel (level payment precomputed)."""
    result = run_annuity_batch(data)
    num = data["rate_bp"]
    den = np.full_like(num, 10_000)
    gcd = np.gcd(num, den)
    rule = np.full((periods, 1), int(PaymentRule.AMOUNT), dtype=np.int8)
    rule[-1] = PaymentRule.PAYOFF
    return {"principal": data["principal"], "factor_numerator": (num // gcd)[None, :],
            "factor_denominator": (den // gcd)[None, :], "rule": rule,
            "amount": np.asarray(result.payment[0], dtype=np.int64)[None, :]}


def run_kernel(inputs: dict[str, Any]) -> Any:
    return execute(inputs["principal"], factor_numerator=inputs["factor_numerator"],
                   factor_denominator=inputs["factor_denominator"], rule=inputs["rule"],
                   amount=inputs["amount"])


def run_npf(data: dict[str, npt.NDArray[Any]], periods: int) -> Any:
    import numpy_financial as npf

    rate = (data["rate_bp"] / 10_000)[:, None]
    pv = data["principal"][:, None] / 100
    per = np.arange(1, periods + 1)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):  # npf evaluates 0/0 at rate 0
        return (npf.pmt(rate, periods, pv), npf.ipmt(rate, per, periods, pv),
                npf.ppmt(rate, per, periods, pv))


def chunked(func: Callable[[dict[str, npt.NDArray[Any]]], Any],
            data: dict[str, npt.NDArray[Any]], chunk: int) -> Callable[[], None]:
    """``func`` on the loans ``chunk`` at a time, each result dropped before the next."""
    parts = [{k: v[b:b + chunk] for k, v in data.items()}
             for b in range(0, len(data["principal"]), chunk)]

    def run() -> None:
        for part in parts:
            func(part)

    return run


def make(variant: str, loans: int, periods: int, chunk: int = 0) -> Callable[[], Any]:
    data = portfolio(loans, periods)
    if chunk and variant in ("annuity_batch", "npf"):
        if variant == "npf":
            return chunked(lambda d: run_npf(d, periods), data, chunk)
        return chunked(run_annuity_batch, data, chunk)
    if variant == "kernel":
        inputs = kernel_inputs(data, periods)
        return lambda: run_kernel(inputs)
    if variant == "annuity_batch":
        return lambda: run_annuity_batch(data)
    if variant == "npf":
        return lambda: run_npf(data, periods)
    if variant == "baseline":
        return lambda: None
    raise SystemExit(f"unknown variant {variant!r}")


def measure(func: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def check(loans: int = 2_000, periods: int = 36) -> None:
    """The kernel rows reconcile exactly and the payments match the floats to a cent."""
    data = portfolio(loans, periods)
    result = run_annuity_batch(data)
    assert (result.payment == result.principal + result.interest + result.fee).all()
    assert (result.principal.sum(axis=0) == data["principal"]).all()
    assert not result.balance[-1].any()
    pmt = -run_npf(data, periods)[0][:, 0] * 100
    assert np.abs(result.payment[0] - pmt).max() <= 0.5 + 1e-6


def child(variant: str, loans: int, periods: int, repeat: int,
          build: Callable[[str, int, int], Callable[[], Any] | None] | None = None,
          chunk: int = 0) -> None:
    """Time one variant (``build`` makes it; default this script's :func:`make`, by
    ``chunk`` loans when given) and print its times and peak RSS as JSON (no times when
    ``build`` gives ``None``)."""
    func = build(variant, loans, periods) if build else make(variant, loans, periods, chunk)
    before = peak_rss_mib()
    times = measure(func, repeat) if func is not None else []
    print(json.dumps({"variant": variant, "times_ms": times, "rss_inputs_mib": before,
                      "peak_rss_mib": peak_rss_mib()}))


def isolated(variant: str, loans: int, periods: int, repeat: int,
             script: str = __file__, chunk: int = 0) -> dict[str, Any]:
    """Run ``script --child variant`` in a fresh interpreter and read its JSON line."""
    out = subprocess.run([sys.executable, script, "--child", variant, "--loans", str(loans),
                          "--periods", str(periods), "--repeat", str(repeat),
                          *(["--chunk", str(chunk)] if chunk else [])],
                         check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def profile(loans: int, periods: int, top: int = 20) -> str:
    inputs = kernel_inputs(portfolio(loans, periods), periods)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        run_kernel(inputs)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def arguments(doc: str | None, repeat: int) -> argparse.ArgumentParser:
    """The options the portfolio benchmarks share (loans, periods, repeat, isolate)."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--periods", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--isolate", action="store_true",
                        help="one subprocess per variant, with its peak RSS")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser


def main() -> None:
    parser = arguments(__doc__, repeat=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--chunk", type=int, default=0, metavar="N",
                        help="run annuity_batch and npf N loans at a time")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.loans, args.periods, args.repeat, chunk=args.chunk)
        return
    check()
    if args.profile:
        print(profile(args.loans, args.periods))
        return
    print(f"{args.loans:,} loans × {args.periods} periods, median of {args.repeat} runs"
          + (f", {args.chunk:,} loans at a time" if args.chunk else ""))
    variants = ("annuity_batch", "npf") if args.chunk else ("kernel", "annuity_batch", "npf")
    if args.isolate:
        base = isolated("baseline", args.loans, args.periods, 1)
        print(f"{'baseline (interpreter + inputs)':<32} peak RSS {base['peak_rss_mib']:8.0f} MiB")
        for variant in variants:
            res = isolated(variant, args.loans, args.periods, args.repeat, chunk=args.chunk)
            print(f"{variant:<32} median {statistics.median(res['times_ms']):9.1f} ms  "
                  f"min {min(res['times_ms']):9.1f} ms  peak RSS {res['peak_rss_mib']:8.0f} MiB")
        return
    funcs = {variant: make(variant, args.loans, args.periods, args.chunk)
             for variant in variants}
    for func in funcs.values():
        func()  # warm up
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(args.repeat):  # interleaved, so drift hits every variant alike
        for name, func in funcs.items():
            times[name] += measure(func, 1)
    for name, values in times.items():
        print(f"{name:<16} median {statistics.median(values):9.1f} ms  "
              f"min {min(values):9.1f} ms")


if __name__ == "__main__":
    main()
