"""A loan book as a data frame: Portfolio end to end vs numpy-financial's float broadcast.

Run by hand (not part of the test suite)::

    python benchmarks/bench_portfolio.py [--loans 100000] [--repeat 3]
    python benchmarks/bench_portfolio.py --loans 1000000 --repeat 1 --isolate  # peak RSS
    python benchmarks/bench_portfolio.py --loans 10000000 --chunked 1000000    # 10M loans
    python benchmarks/bench_portfolio.py --loans 10000000 --dask 250000        # on dask

The book is the loans of ``bench_batch.py`` (principal 1,000.00 to 50,000.00 in fen, one
of 12 monthly rates, 36 installments) as a pandas DataFrame with ``loan_id``, ``amount``
(int64 fen, ``amount_units="minor"``), ``periodic_rate`` as text (``"0.25%"``),
``installments`` and ``start`` (ISO text, one of the 365 days of 2025). Variants
(milliseconds, median and min of ``--repeat`` runs):

* ``portfolio``: ``Portfolio.from_frame(book)`` then ``.schedules()``, the long pandas
  frame of every installment (36 rows a loan, int64 cents, due dates), end to end.
* ``from_frame``: reading and validating the book alone.
* ``schedules``: ``.schedules()`` of a book already read (batch kernel, long layout,
  frame).
* ``annuity_batch``: the exact schedules alone, :func:`bnpl_restructure.batch.annuity_batch`
  on the same loans as arrays (``(periods, loans)``).
* ``npf``: numpy-financial ``pmt`` + ``ipmt`` + ``ppmt`` over a ``(loans, 36)`` float
  broadcast (no rounding to the cent, no due dates, rows do not reconcile).
* ``rates``: ``.rates(which=("cn_irr",))``, China's IRR-method rate of every loan (the
  schedules already computed); ``pyxirr``: ``pyxirr.irr`` on the same flows, loan by loan
  in a Python loop (compiled Rust; skipped when pyxirr is not installed).

``--chunked N`` runs the book N loans at a time (each chunk's frame built, read and laid
out, its interest summed, then dropped), the path for books larger than memory; the
``bnpl_restructure.dask`` functions do the same partition by partition. ``--dask N``
runs the book through :func:`bnpl_restructure.dask.schedules` on a
``distributed.LocalCluster`` (``--workers`` processes, one thread each), N loans a
partition, each partition's book generated on its worker (``dd.from_map``), and reduces
the schedules to the total interest and row count; it times the book alone too, and
reports each worker's peak RSS. With
``--isolate`` each variant runs in its own subprocess and reports its peak RSS
(``ru_maxrss``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from bench_batch import (
    arguments,
    child,
    isolated,
    measure,
    peak_rss_mib,
    portfolio,
    run_annuity_batch,
    run_npf,
)

from bnpl_restructure.portfolio import Portfolio

VARIANTS = ("portfolio", "from_frame", "schedules", "annuity_batch", "npf", "rates",
            "pyxirr")


def book(loans: int, periods: int, seed: int = 20240115) -> Any:
    """The loans of ``bench_batch.portfolio`` as a loan book (a pandas DataFrame)."""
    import pandas as pd

    data = portfolio(loans, periods, seed)
    rng = np.random.default_rng(seed + 1)
    days = pd.date_range("2025-01-01", "2025-12-31").strftime("%Y-%m-%d").to_numpy()
    rate_text = {bp: f"{bp / 100:g}%" for bp in np.unique(data["rate_bp"]).tolist()}
    return pd.DataFrame({
        "loan_id": np.arange(loans, dtype=np.int64),
        "amount": data["principal"],
        "periodic_rate": [rate_text[bp] for bp in data["rate_bp"].tolist()],
        "installments": data["installments"],
        "start": rng.choice(days, size=loans),
    })


def _flows(portfolio_: Portfolio, periods: int) -> list[list[float]]:
    frame = portfolio_.schedules(money="float")
    payments = frame.payment.to_numpy().reshape(-1, periods)
    principal = portfolio_.loans(money="float").amount.to_numpy()
    return [[-p, *row] for p, row in zip(principal.tolist(), payments.tolist(), strict=True)]


def make(variant: str, loans: int, periods: int) -> Callable[[], Any] | None:
    if variant in ("annuity_batch", "npf"):
        data = portfolio(loans, periods)
        if variant == "npf":
            return lambda: run_npf(data, periods)
        return lambda: run_annuity_batch(data)
    frame = book(loans, periods)
    if variant == "baseline":
        return lambda: None
    if variant == "portfolio":
        return lambda: Portfolio.from_frame(frame, amount_units="minor").schedules()
    if variant == "from_frame":
        return lambda: Portfolio.from_frame(frame, amount_units="minor")
    read = Portfolio.from_frame(frame, amount_units="minor")
    if variant == "schedules":
        return lambda: Portfolio(read._book).schedules()
    read.schedules()
    if variant == "rates":
        return lambda: read.rates(which=("cn_irr",))
    if variant == "pyxirr":
        try:
            import pyxirr
        except ImportError:
            return None
        flows = _flows(read, periods)
        return lambda: [pyxirr.irr(f) for f in flows]
    raise SystemExit(f"unknown variant {variant!r}")


def check(loans: int = 2_000, periods: int = 36) -> None:
    """The frame's rows are the batch kernel's, its IRRs are pyxirr's to 1e-9."""
    frame = book(loans, periods)
    read = Portfolio.from_frame(frame, amount_units="minor")
    rows = read.schedules()
    batch = run_annuity_batch(portfolio(loans, periods))
    assert (rows.payment.to_numpy().reshape(loans, periods) == batch.payment.T).all()
    assert (rows.interest.to_numpy().reshape(loans, periods) == batch.interest.T).all()
    try:
        import pyxirr
    except ImportError:
        return
    ours = read.rates(which=("cn_irr",)).cn_irr.to_numpy() / 12
    theirs = np.array([pyxirr.irr(f) for f in _flows(read, periods)])
    assert np.abs(ours - theirs).max() < 1e-9, np.abs(ours - theirs).max()


def chunked(loans: int, periods: int, chunk: int) -> dict[str, Any]:
    """The book ``chunk`` loans at a time; the time spent reading and laying out."""
    spent, interest, rows = 0.0, 0, 0
    for begin in range(0, loans, chunk):
        size = min(chunk, loans - begin)
        frame = book(size, periods, seed=20240115 + begin)
        t0 = time.perf_counter()
        out = Portfolio.from_frame(frame, amount_units="minor").schedules()
        spent += time.perf_counter() - t0
        interest += int(out.interest.sum())
        rows += len(out)
        del out, frame
    return {"seconds": spent, "rows": rows, "interest_fen": interest,
            "peak_rss_mib": peak_rss_mib()}


def _book_part(begin: int, size: int, periods: int) -> Any:
    """One partition of the book: ``size`` loans numbered from ``begin``."""
    frame = book(size, periods, seed=20240115 + begin)
    frame["loan_id"] += begin
    return frame


def on_dask(loans: int, periods: int, partition: int, workers: int) -> dict[str, Any]:
    """The book through ``bnpl_restructure.dask.schedules`` on a LocalCluster."""
    import resource

    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from bnpl_restructure import dask as bnpl_dask

    starts = list(range(0, loans, partition))
    sizes = [min(partition, loans - b) for b in starts]
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      memory_limit="8GiB", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        def frame() -> Any:
            return dd.from_map(_book_part, starts, sizes, periods=periods,
                               meta=_book_part(0, 0, periods))

        t0 = time.perf_counter()
        generated = int(frame().map_partitions(len).sum().compute())
        book_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = bnpl_dask.schedules(frame(), amount_units="minor")
        interest, count = client.compute([rows.interest.sum(), rows.map_partitions(len).sum()],
                                         sync=True)
        seconds = time.perf_counter() - t0
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return {"loans": generated, "book_seconds": book_seconds, "seconds": seconds,
            "rows": int(count), "interest_fen": int(interest),
            "worker_peak_rss_mib": sorted(peaks.values())}


def _line(name: str, times: list[float], rss: float | None = None) -> str:
    if not times:
        return f"{name:<14} (not installed)"
    text = f"{name:<14} median {statistics.median(times):10.1f} ms  min {min(times):10.1f} ms"
    return text + (f"  peak RSS {rss:7.0f} MiB" if rss is not None else "")


def main() -> None:
    parser = arguments(__doc__, repeat=3)
    parser.add_argument("--chunked", type=int, default=0, metavar="N",
                        help="run the book N loans at a time (peak RSS of the whole run)")
    parser.add_argument("--dask", type=int, default=0, metavar="N",
                        help="run the book on a dask LocalCluster, N loans a partition")
    parser.add_argument("--workers", type=int, default=2, help="dask worker processes")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.loans, args.periods, args.repeat, build=make)
        return
    check()
    if args.chunked:
        res = chunked(args.loans, args.periods, args.chunked)
        print(f"{args.loans:,} loans × {args.periods} in chunks of {args.chunked:,}: "
              f"{res['seconds']:.1f} s reading and laying out {res['rows']:,} rows, "
              f"total interest {res['interest_fen']:,} fen, peak RSS "
              f"{res['peak_rss_mib']:.0f} MiB")
        return
    if args.dask:
        res = on_dask(args.loans, args.periods, args.dask, args.workers)
        print(f"{res['loans']:,} loans × {args.periods} on dask ({args.workers} workers, "
              f"{args.dask:,} loans a partition): book alone {res['book_seconds']:.1f} s; "
              f"book + schedules + sums {res['seconds']:.1f} s for {res['rows']:,} rows, "
              f"total interest {res['interest_fen']:,} fen; worker peak RSS "
              + ", ".join(f"{m:.0f}" for m in res["worker_peak_rss_mib"]) + " MiB")
        return
    variants = [v for v in args.variants.split(",") if v]
    print(f"{args.loans:,} loans × {args.periods} periods, median of {args.repeat} runs")
    if args.isolate:
        base = isolated("baseline", args.loans, args.periods, 1, script=__file__)
        print(f"{'baseline':<14} peak RSS {base['peak_rss_mib']:7.0f} MiB (interpreter + "
              "book)")
        for variant in variants:
            res = isolated(variant, args.loans, args.periods, args.repeat, script=__file__)
            print(_line(variant, res["times_ms"], res["peak_rss_mib"]))
        return
    funcs = {v: make(v, args.loans, args.periods) for v in variants}
    times: dict[str, list[float]] = {v: [] for v in variants}
    for _ in range(args.repeat):  # interleaved, so drift hits every variant alike
        for name, func in funcs.items():
            if func is not None:
                times[name] += measure(func, 1)
    for name in variants:
        print(_line(name, times[name]))


if __name__ == "__main__":
    main()
