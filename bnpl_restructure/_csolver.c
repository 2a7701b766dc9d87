/*
 * Optional compiled rate solver of bnpl_restructure (the numpy implementation in
 * solver.py is the reference and the fallback).
 *
 * solve() finds, row by row, the rate r > -1 with
 *
 *     sum_m a_m / ((1 + f_m r) (1 + r)^(t_m)) = 0
 *
 * by the algorithm solver.py documents and implements on whole arrays: the same choice of
 * root (the only root of a single-sign-change stream; with several sign changes the root
 * in the grid interval nearest zero, positive side first, as the UK Consumer Credit (Total
 * Charge for Credit) Regulations 2010 choose "the positive rate nearest to zero"), the same
 * grid, bracket and sign of f at the bracket's low end, the same first guess, the same
 * safeguarded Newton iteration with the same stopping rules and iteration cap. Only the
 * order of the floating-point operations differs, so the two paths agree to rounding
 * (tests/test_solver_native.py compares them).
 *
 * Speed: the nonzero flows of a row are walked in time order and each discount factor
 * (1 + r)^(-t) is the previous one times (1 + r)^(-gap). The factor of each distinct gap
 * (exact equality of the gap in the caller's time unit: days for dated flows, 1 for
 * periodic ones) is computed once per evaluation, so an evaluation costs one log1p and a
 * handful of exp calls instead of one exp per flow. A gap that is a whole number below
 * SMALL_GAPS is its own class (a bit in a mask says it is used); up to OTHER_GAPS other
 * distinct gaps get a class each. Every ANCHOR_EVERY-th flow, and every flow whose gap has
 * no class, takes its factor directly from exp, which bounds the growth of the rounding
 * error of the products (relative error below 4e-15 for 36 monthly flows, against 2e-15
 * for one exp per flow). Two rows are in their Newton iteration at a time (SLOTS), so
 * the processor can overlap their chains of dependent operations.
 *
 * Only the CPython C API and the buffer protocol are used (no numpy headers).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define SOLVER_INLINE static inline __attribute__((always_inline))
#else
#define SOLVER_INLINE static inline
#endif

/* Row status codes; solver.py maps them to typed errors. */
enum {
    ST_OK = 0,
    ST_NO_SIGN_CHANGE = 1,
    ST_NO_BRACKET = 2,
    ST_NO_CONVERGENCE = 3,
    ST_NOT_FINITE = 4,
    ST_NEGATIVE_TIME = 5
};

#define TOL 1e-14             /* stop when the step is below TOL * (1 + |r|) ... */
#define NEWTON_DONE 1e-9      /* ... or a Newton step (not a bisection) below this */
#define NEWTON_TRUST 1e6      /* ... where (1 + latest time) / (1 + r) is below this */
#define MAX_ITER 200
#define SMALL_GAPS 64         /* gaps 0, 1, ..., 63 (ticks) are classes 0 to 63 */
#define OTHER_GAPS 8          /* other distinct gaps: classes SMALL_GAPS + 0, 1, ... */
#define CLASSES (SMALL_GAPS + OTHER_GAPS)
#define DIRECT 255            /* class of a flow whose factor comes straight from exp */
#define ANCHOR_EVERY 32
#define SMALL_SORT 32
#define SLOTS 2               /* rows in their Newton iteration at a time */

/* Grids of per-unit-period rates bracketing the roots of multi-sign-change streams,
 * ordered by distance from zero within each side (solver.py's _POSITIVE_GRID and
 * _NEGATIVE_GRID). */
static const double POSITIVE_GRID[] = {
    0.0, 1e-4, 1e-3, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5,
    0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0, 1e3, 1e4};
static const double NEGATIVE_GRID[] = {
    0.0, -1e-4, -1e-3, -0.005, -0.01, -0.02, -0.05, -0.1, -0.2,
    -0.35, -0.5, -0.75, -0.9, -0.99, -0.999, -0.9999};

/* The nonzero flows of one row in time order, and what the solver needs of them. */
typedef struct {
    Py_ssize_t m;             /* number of nonzero flows */
    double *amount;
    double *tick;             /* time since the reference, in units of `unit` periods */
    double *fraction;         /* read only when with_fractions */
    unsigned char *cls;       /* gap class of each flow, or DIRECT */
    Py_ssize_t *direct;       /* positions of the DIRECT flows, ascending */
    Py_ssize_t directs;
    unsigned long long small; /* bit g set: some flow has the whole-number gap g */
    double other[OTHER_GAPS]; /* the other gaps, in ticks */
    int others;
    int with_fractions;
    double unit;              /* ticks per unit period */
    double per_unit;          /* 1 / unit */
    int changes;              /* sign changes of the net flows of each date, in time order */
    int last_sign;            /* sign of the latest nonzero net flow: f's sign at r -> -1 */
    double inflow, outflow, inflow_ticks;  /* for the first guess */
} Row;

/* Inputs shared by every row. */
typedef struct {
    const double *amounts;
    const void *times;
    const double *fractions;  /* NULL when absent */
    int times_int;            /* times are int64, else float64 */
    Py_ssize_t rows, flows;
    Py_ssize_t times_stride;  /* flows, or 0 when one time row is shared by all rows */
    Py_ssize_t fractions_stride;
    double scale;
    int from_row_start;
    int plain;                /* scale is finite and >= 1 */
} Inputs;

/* Per-call scratch memory, sized to the number of flows. */
typedef struct {
    Row *row;                 /* the row being loaded */
    Py_ssize_t *pos;          /* positions of the nonzero flows */
    Py_ssize_t *tmp;          /* merge-sort buffer */
    double *shared_tick;      /* ticks of a shared time row, per position */
    int shared_status;        /* status of a shared time row */
    int shared_sorted;        /* a shared time row is non-decreasing */
} Work;

/* numpy.sign as a code: 1, -1, 0, or SIGN_NAN; numpy's NaN sign equals nothing, so a
 * sign kept from a NaN becomes SIGN_NEVER, which no code equals. */
#define SIGN_NAN 2
#define SIGN_NEVER 3

SOLVER_INLINE int
sign_code(double x)
{
    return (x > 0.0) - (x < 0.0) + SIGN_NAN * (x != x);
}

/* index of the lowest set bit of a nonzero mask */
SOLVER_INLINE int
lowest_bit(unsigned long long mask)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(mask);
#else
    int g = 0;
    while (!(mask & 1ULL)) {
        mask >>= 1;
        g++;
    }
    return g;
#endif
}

/* hi - lo as a double, for int64 hi >= lo (exact below 2**53) */
SOLVER_INLINE double
span(long long hi, long long lo)
{
    unsigned long long u = (unsigned long long)hi - (unsigned long long)lo;
    return u <= (unsigned long long)LLONG_MAX ? (double)(long long)u : (double)u;
}

/* --------------------------------------------------------------------- f and f' */

/* f(r) of one row and, when step is not NULL, the Newton step f(r) / f'(r). The work of
 * one row is a chain of dependent operations (log1p, exp, the products of the factors,
 * the division), so fewer links in it is what makes an evaluation fast. */
static void
row_value(const Row *row, double rate, double *value, double *step)
{
    const double growth = 1.0 + rate;
    const double nlog = -log1p(rate);
    const double per_tick = nlog * row->per_unit;
    const Py_ssize_t m = row->m;
    const double *amount = row->amount, *tick = row->tick;
    const unsigned char *cls = row->cls;
    const Py_ssize_t *direct = row->direct;
    double factor[CLASSES];
    double v = 1.0, sum0 = 0.0, moment0 = 0.0, moment1 = 0.0;
    unsigned long long small = row->small & ~1ULL;
    Py_ssize_t j = 0, d = 0;
    int k;

    factor[0] = 1.0;
    while (small != 0) {
        const int g = lowest_bit(small);
        factor[g] = exp(per_tick * (double)g);
        small &= small - 1;
    }
    for (k = 0; k < row->others; k++) {
        factor[SMALL_GAPS + k] = exp(per_tick * row->other[k]);
    }
    if (!row->with_fractions) {
        for (;;) {
            /* up to the next flow whose factor comes from exp: products only, with two
             * accumulators each to halve the chains of dependent additions */
            const Py_ssize_t end = (d < row->directs) ? direct[d] : m;
            for (; j + 1 < end; j += 2) {
                /* one dependent product per two flows */
                const double f0 = factor[cls[j]];
                const double f01 = f0 * factor[cls[j + 1]];
                const double v0 = v * f0;
                double term0, term1;
                v *= f01;
                term0 = amount[j] * v0;
                term1 = amount[j + 1] * v;
                /* one sum in time order: flows of one date cancel before later,
                 * smaller ones are added (the numpy path's order) */
                sum0 += term0;
                sum0 += term1;
                moment0 += term0 * tick[j];
                moment1 += term1 * tick[j + 1];
            }
            if (j < end) {
                double term0;
                v *= factor[cls[j]];
                term0 = amount[j] * v;
                sum0 += term0;
                moment0 += term0 * tick[j];
                j++;
            }
            if (j >= m) break;
            {
                double term0;
                v = exp(per_tick * tick[j]);
                term0 = amount[j] * v;
                sum0 += term0;
                moment0 += term0 * tick[j];
                j++;
                d++;
            }
        }
        /* f'(r) = -(sum of term * tick) / (unit * (1 + r)) */
        *value = sum0;
        if (step != NULL) *step = -(*value * (row->unit * growth)) / (moment0 + moment1);
    }
    else {
        const double *fraction = row->fraction;
        double simple_moment = 0.0;
        for (; j < m; j++) {
            const unsigned char c = cls[j];
            const double simple = 1.0 + fraction[j] * rate;
            double term;
            v = (c == DIRECT) ? exp(per_tick * tick[j]) : v * factor[c];
            term = amount[j] * v / simple;
            sum0 += term;
            moment0 += term * tick[j];
            simple_moment += term * (fraction[j] / simple);
        }
        *value = sum0;
        if (step != NULL) *step = sum0 / -(moment0 / (row->unit * growth) + simple_moment);
    }
}

/* ---------------------------------------------------------------------- loading */

SOLVER_INLINE int
earlier(const void *times, int times_int, Py_ssize_t a, Py_ssize_t b)
{
    if (times_int) return ((const long long *)times)[a] < ((const long long *)times)[b];
    return ((const double *)times)[a] < ((const double *)times)[b];
}

/* Stable sort of pos[0..n) by time. */
static void
sort_positions(Py_ssize_t *pos, Py_ssize_t *tmp, Py_ssize_t n, const void *times,
               int times_int)
{
    Py_ssize_t i, j, width, lo;

    for (lo = 0; lo < n; lo += SMALL_SORT) {  /* insertion sort of short runs */
        const Py_ssize_t hi = (lo + SMALL_SORT < n) ? lo + SMALL_SORT : n;
        for (i = lo + 1; i < hi; i++) {
            const Py_ssize_t p = pos[i];
            for (j = i; j > lo && earlier(times, times_int, p, pos[j - 1]); j--) {
                pos[j] = pos[j - 1];
            }
            pos[j] = p;
        }
    }
    for (width = SMALL_SORT; width < n; width *= 2) {  /* bottom-up merges */
        for (lo = 0; lo + width < n; lo += 2 * width) {
            const Py_ssize_t mid = lo + width;
            const Py_ssize_t hi = (lo + 2 * width < n) ? lo + 2 * width : n;
            Py_ssize_t a = lo, b = mid, out = lo;
            while (a < mid && b < hi) {
                /* the right run goes first only when strictly earlier: stable */
                tmp[out++] = earlier(times, times_int, pos[b], pos[a]) ? pos[b++] : pos[a++];
            }
            while (a < mid) tmp[out++] = pos[a++];
            while (b < hi) tmp[out++] = pos[b++];
            memcpy(pos + lo, tmp + lo, (size_t)(hi - lo) * sizeof(Py_ssize_t));
        }
    }
}

/* Check one row of times (every entry, padding included, as solver.py does) and find
 * its reference time. Returns ST_OK, ST_NOT_FINITE or ST_NEGATIVE_TIME; *sorted tells
 * whether the row is non-decreasing. */
SOLVER_INLINE int
check_times(const Inputs *in, const void *times, const int times_int, long long *ref_i,
            double *ref_d, int *sorted)
{
    const Py_ssize_t flows = in->flows;
    int not_finite = 0, negative = 0, order = 1;
    Py_ssize_t k;

    *ref_i = 0;
    *ref_d = 0.0;
    if (flows == 0) {
        *sorted = 1;
        return ST_OK;
    }
    if (times_int) {
        const long long *t = (const long long *)times;
        long long lo = t[0];
        for (k = 1; k < flows; k++) {
            const long long x = t[k];
            order &= (x >= t[k - 1]);
            lo = (x < lo) ? x : lo;
        }
        *sorted = order;
        if (lo == LLONG_MIN) return ST_NOT_FINITE;  /* numpy's NaT */
        if (in->from_row_start) *ref_i = lo;
        if (in->plain) return (!in->from_row_start && lo < 0) ? ST_NEGATIVE_TIME : ST_OK;
        for (k = 0; k < flows; k++) {
            const double d = (t[k] >= *ref_i) ? span(t[k], *ref_i)
                                              : (double)t[k] - (double)*ref_i;
            const double u = d / in->scale;
            not_finite |= !isfinite(u);
            negative |= (u < 0.0);
        }
    }
    else {
        const double *t = (const double *)times;
        double lo = t[0], hi = t[0];
        not_finite = !isfinite(t[0]);
        for (k = 1; k < flows; k++) {
            const double x = t[k];
            not_finite |= !isfinite(x);
            order &= (x >= t[k - 1]);
            lo = (x < lo) ? x : lo;
            hi = (x > hi) ? x : hi;
        }
        *sorted = order;
        if (not_finite) return ST_NOT_FINITE;
        if (in->from_row_start) *ref_d = lo;
        if (in->plain) {
            if (in->from_row_start) return isfinite(hi - lo) ? ST_OK : ST_NOT_FINITE;
            return (lo < 0.0) ? ST_NEGATIVE_TIME : ST_OK;
        }
        for (k = 0; k < flows; k++) {
            const double u = (t[k] - *ref_d) / in->scale;
            not_finite |= !isfinite(u);
            negative |= (u < 0.0);
        }
    }
    return not_finite ? ST_NOT_FINITE : (negative ? ST_NEGATIVE_TIME : ST_OK);
}

/* The tick of position p: time since the reference, in `unit` ticks per period. */
SOLVER_INLINE double
tick_of(const Inputs *in, const void *times, const int times_int, Py_ssize_t p,
        long long ref_i, double ref_d)
{
    double d;
    if (times_int) {
        const long long x = ((const long long *)times)[p];
        d = in->from_row_start ? span(x, ref_i) : (double)x;
    }
    else {
        const double x = ((const double *)times)[p];
        d = in->from_row_start ? x - ref_d : x;
    }
    /* with a finite scale >= 1, divide once per evaluation; otherwise now */
    return in->plain ? d : d / in->scale;
}

/* A row being gathered: the scalars live in this local structure of scalars only (kept
 * in registers), not in the Row behind a pointer that the stores of the flows may alias. */
typedef struct {
    Py_ssize_t m, directs;
    int others, changes, last_sign;
    unsigned long long small;
    double first, previous_tick, inflow, outflow, inflow_ticks;
    double net;               /* the net of the flows at previous_tick so far */
} Gather;

SOLVER_INLINE void
gather_start(Gather *g)
{
    g->m = g->directs = 0;
    g->others = g->changes = g->last_sign = 0;
    g->small = 0;
    g->first = g->previous_tick = g->inflow = g->outflow = g->inflow_ticks = 0.0;
    g->net = 0.0;
}

/* The net flow of the date just finished: count a sign change against the previous
 * nonzero net flow. */
SOLVER_INLINE void
close_date(Gather *g)
{
    const int sign = (g->net > 0.0) - (g->net < 0.0);
    if (sign != 0) {
        g->changes += (g->last_sign != 0 && sign != g->last_sign);
        g->last_sign = sign;
    }
}

/* Append the next nonzero flow (amount x at tick t, fraction fr when with_fractions) in
 * time order; small_gap is its gap from the previous flow when the caller knows it to be
 * a whole number below SMALL_GAPS, else -1. */
SOLVER_INLINE void
add_flow(Gather *g, Row *row, double x, double t, const int with_fractions, double fr,
         int small_gap)
{
    const Py_ssize_t k = g->m++;
    row->amount[k] = x;
    row->tick[k] = t;
    if (with_fractions) row->fraction[k] = fr;
    if (k == 0) {
        row->cls[0] = (t == 0.0) ? 0 : DIRECT;
        if (t != 0.0) row->direct[g->directs++] = 0;
        g->first = x;
        g->outflow = fabs(x);
        g->net = x;
    }
    else {
        if (k % ANCHOR_EVERY == 0) {
            row->cls[k] = DIRECT;
            row->direct[g->directs++] = k;
        }
        else {
            const double gap = t - g->previous_tick;
            int c = small_gap;
            if (c < 0 && gap >= 0.0 && gap < (double)SMALL_GAPS && gap == (double)(int)gap) {
                c = (int)gap;
            }
            if (c >= 0) {
                g->small |= 1ULL << c;
            }
            else {
                c = 0;
                while (c < g->others && row->other[c] != gap) c++;
                if (c == g->others && c < OTHER_GAPS) row->other[g->others++] = gap;
                c = (c < OTHER_GAPS) ? SMALL_GAPS + c : DIRECT;
                if (c == DIRECT) row->direct[g->directs++] = k;
            }
            row->cls[k] = (unsigned char)c;
        }
        /* signs are counted on the net flow of each date: flows on one date are one
         * payment (an advance and a refund on the same day cancel) */
        if (t == g->previous_tick) {
            g->net += x;
        }
        else {
            close_date(g);
            g->net = x;
        }
        /* inflow: flows of the other sign than the first; outflow: the same sign */
        if (x * g->first < 0.0) {
            g->inflow += fabs(x);
            g->inflow_ticks += fabs(x) * t;
        }
        else if (x * g->first > 0.0) {
            g->outflow += fabs(x);
        }
    }
    g->previous_tick = t;
}

/* Finish a gathered row. */
SOLVER_INLINE void
gather_end(Gather *g, Row *row, const Inputs *in)
{
    if (g->m > 0) close_date(g);
    row->m = g->m;
    row->with_fractions = (in->fractions != NULL);
    row->unit = in->plain ? in->scale : 1.0;
    row->per_unit = 1.0 / row->unit;
    row->others = g->others;
    row->directs = g->directs;
    row->small = g->small;
    row->changes = g->changes;
    row->last_sign = g->last_sign;
    row->inflow = g->inflow;
    row->outflow = g->outflow;
    row->inflow_ticks = g->inflow_ticks;
}

/* One pass for the common case of int64 times (day numbers, periodic ticks): a finite
 * scale >= 1, times that do not decrease along the row (so the earliest is the first),
 * no NaT, not negative, spanning less than 2**63. Returns -1, having gathered nothing
 * useful, when that is not so (load_general then handles the row); otherwise ST_OK or
 * ST_NOT_FINITE. */
SOLVER_INLINE int
load_sorted_int(const Inputs *in, Work *w, const double *a, const double *f,
                const long long *t, const int with_fractions)
{
    const Py_ssize_t flows = in->flows;
    Row *row = w->row;
    Gather g;
    int not_finite = 0;
    long long ref, previous;
    Py_ssize_t k;

    if (flows == 0 || t[0] < 0 || (in->from_row_start && t[0] == LLONG_MIN)) return -1;
    ref = in->from_row_start ? t[0] : 0;
    if ((unsigned long long)t[flows - 1] - (unsigned long long)ref
            > (unsigned long long)LLONG_MAX) {
        return -1;
    }
    previous = t[0];
    gather_start(&g);
    for (k = 0; k < flows; k++) {
        const double x = a[k];
        const long long tk = t[k];
        if (k > 0 && tk < t[k - 1]) return -1;
        if (with_fractions) not_finite |= !(fabs(f[k]) <= DBL_MAX);
        if (x != 0.0) {  /* also NaN */
            const unsigned long long gap = (unsigned long long)tk - (unsigned long long)previous;
            const double tick = (double)(long long)((unsigned long long)tk
                                                    - (unsigned long long)ref);
            not_finite |= !(fabs(x) <= DBL_MAX);
            add_flow(&g, row, x, tick, with_fractions, with_fractions ? f[k] : 0.0,
                     gap < SMALL_GAPS ? (int)gap : -1);
            previous = tk;
        }
    }
    gather_end(&g, row, in);
    return not_finite ? ST_NOT_FINITE : ST_OK;
}

/* The same for float64 times: finite, not decreasing along the row, and (measured from
 * zero) not negative. */
SOLVER_INLINE int
load_sorted_float(const Inputs *in, Work *w, const double *a, const double *f,
                  const double *t, const int with_fractions)
{
    const Py_ssize_t flows = in->flows;
    Row *row = w->row;
    Gather g;
    int not_finite = 0;
    double ref;
    Py_ssize_t k;

    if (flows == 0 || !(t[0] >= 0.0 || in->from_row_start)) return -1;
    ref = in->from_row_start ? t[0] : 0.0;
    gather_start(&g);
    for (k = 0; k < flows; k++) {
        const double x = a[k];
        const double tk = t[k];
        if (!(fabs(tk) <= DBL_MAX) || (k > 0 && tk < t[k - 1])) return -1;
        if (with_fractions) not_finite |= !(fabs(f[k]) <= DBL_MAX);
        if (x != 0.0) {
            not_finite |= !(fabs(x) <= DBL_MAX);
            add_flow(&g, row, x, in->from_row_start ? tk - ref : tk, with_fractions,
                     with_fractions ? f[k] : 0.0, -1);
        }
    }
    if (!isfinite(t[flows - 1] - ref)) return -1;
    gather_end(&g, row, in);
    return not_finite ? ST_NOT_FINITE : ST_OK;
}

/* Any row, any scale: check every time, then gather the nonzero flows, sorted by time
 * (stably) when the row's times are not non-decreasing. Returns ST_OK, ST_NOT_FINITE or
 * ST_NEGATIVE_TIME. */
SOLVER_INLINE int
load_general(const Inputs *in, Work *w, const double *a, const double *f,
             const void *times, const int times_int, const int shared)
{
    const Py_ssize_t flows = in->flows;
    Py_ssize_t *pos = w->pos;
    Gather g;
    long long ref_i = 0;
    double ref_d = 0.0;
    int status, sorted, not_finite = 0;
    Py_ssize_t k, n = 0;

    if (shared) {
        status = w->shared_status;
        sorted = w->shared_sorted;
    }
    else {
        status = check_times(in, times, times_int, &ref_i, &ref_d, &sorted);
    }
    for (k = 0; k < flows; k++) {
        const double x = a[k];
        not_finite |= !(fabs(x) <= DBL_MAX);
        if (f != NULL) not_finite |= !(fabs(f[k]) <= DBL_MAX);
        if (x != 0.0) pos[n++] = k;
    }
    if (not_finite) return ST_NOT_FINITE;
    if (status != ST_OK) return status;
    if (!sorted) sort_positions(pos, w->tmp, n, times, times_int);
    gather_start(&g);
    for (k = 0; k < n; k++) {
        const Py_ssize_t p = pos[k];
        const double t = shared ? w->shared_tick[p]
                                : tick_of(in, times, times_int, p, ref_i, ref_d);
        add_flow(&g, w->row, a[p], t, f != NULL, f != NULL ? f[p] : 0.0, -1);
    }
    gather_end(&g, w->row, in);
    return ST_OK;
}

/* Validate row i and gather its nonzero flows in time order into w->row. Returns
 * ST_OK, ST_NOT_FINITE or ST_NEGATIVE_TIME. */
SOLVER_INLINE int
load_row_typed(const Inputs *in, Work *w, Py_ssize_t i, const int times_int)
{
    const double *a = in->amounts + i * in->flows;
    const double *f = in->fractions ? in->fractions + i * in->fractions_stride : NULL;
    const void *times = times_int
        ? (const void *)((const long long *)in->times + i * in->times_stride)
        : (const void *)((const double *)in->times + i * in->times_stride);
    const int shared = (in->times_stride == 0);

    if (in->plain) {
        int status;
        if (times_int) {
            status = (f != NULL)
                ? load_sorted_int(in, w, a, f, (const long long *)times, 1)
                : load_sorted_int(in, w, a, f, (const long long *)times, 0);
        }
        else {
            status = (f != NULL)
                ? load_sorted_float(in, w, a, f, (const double *)times, 1)
                : load_sorted_float(in, w, a, f, (const double *)times, 0);
        }
        if (status >= 0) return status;
    }
    return load_general(in, w, a, f, times, times_int, shared);
}

static int
load_row(const Inputs *in, Work *w, Py_ssize_t i)
{
    return in->times_int ? load_row_typed(in, w, i, 1) : load_row_typed(in, w, i, 0);
}

/* ---------------------------------------------------------------------- solving */

/* The Newton iteration of one row. */
typedef struct {
    Row row;
    Py_ssize_t index;         /* the row's number */
    double rate, lo, hi;
    int sign_lo, iter, active;
} Slot;

/* Prepare the Newton iteration of a loaded row: the bracket, the sign of f at its low
 * end, the first guess. Returns ST_OK, ST_NO_SIGN_CHANGE or ST_NO_BRACKET. */
static int
start_newton(Slot *slot)
{
    const Row *row = &slot->row;
    double lo = -1.0, hi = INFINITY, rate, mean_time, inflow, outflow;
    int sign_lo;

    if (row->changes == 0) return ST_NO_SIGN_CHANGE;
    /* f(r) has the sign of the latest flow as r -> -1 and of the earliest as r -> inf */
    sign_lo = row->last_sign;
    if (row->changes > 1) {
        const double *grids[2] = {POSITIVE_GRID, NEGATIVE_GRID};
        const size_t sizes[2] = {sizeof POSITIVE_GRID / sizeof(double),
                                 sizeof NEGATIVE_GRID / sizeof(double)};
        double previous, current, value_lo;
        int found = 0, g;
        size_t k;
        for (g = 0; g < 2 && !found; g++) {
            const double *grid = grids[g];
            row_value(row, grid[0], &previous, NULL);
            for (k = 1; k < sizes[g]; k++) {
                const int before = sign_code(previous);
                row_value(row, grid[k], &current, NULL);
                /* both values finite (an overflow is no evidence of a root), and the
                 * signs differ or f is 0 at the interval's end nearer zero */
                if (isfinite(previous) && isfinite(current) &&
                    (before != sign_code(current) || previous == 0.0)) {
                    lo = (grid[k - 1] < grid[k]) ? grid[k - 1] : grid[k];
                    hi = (grid[k - 1] < grid[k]) ? grid[k] : grid[k - 1];
                    found = 1;
                    break;
                }
                previous = current;
            }
        }
        if (!found) return ST_NO_BRACKET;
        row_value(row, lo, &value_lo, NULL);
        if (value_lo == 0.0) {
            double value_hi;
            int sign_hi;
            row_value(row, hi, &value_hi, NULL);
            sign_hi = sign_code(value_hi);
            sign_lo = (sign_hi == SIGN_NAN) ? SIGN_NEVER : -sign_hi;
        }
        else {
            sign_lo = sign_code(value_lo);
            if (sign_lo == SIGN_NAN) sign_lo = SIGN_NEVER;
        }
    }
    /* First guess: the simple-interest rate of the stream (exact for one period). */
    inflow = row->inflow > 1e-300 ? row->inflow : 1e-300;
    outflow = row->outflow > 1e-300 ? row->outflow : 1e-300;
    mean_time = (row->inflow_ticks / inflow) / row->unit;
    rate = (row->inflow / outflow - 1.0) / (mean_time > 1e-9 ? mean_time : 1e-9);
    rate = rate < -0.9 ? -0.9 : (rate > 10.0 ? 10.0 : rate);
    if (!(rate > lo && rate < hi) && isfinite(hi)) rate = (lo + hi) / 2.0;

    slot->rate = rate;
    slot->lo = lo;
    slot->hi = hi;
    slot->sign_lo = sign_lo;
    slot->iter = 0;
    return ST_OK;
}

/* One step of the safeguarded Newton iteration, from f(rate) and f(rate) / f'(rate): keep
 * a bracket (lo, hi) with f(lo) of sign sign_lo; a step leaving it is replaced by
 * bisection (or, with no upper end yet, by 2|r| + 0.1). Returns 1 when the row is done
 * (slot->rate is then its rate), 0 to go on. */
SOLVER_INLINE int
newton_step(Slot *slot, double value, double newton)
{
    const double rate = slot->rate;
    double lo = slot->lo, hi = slot->hi, candidate, step, size;
    int same, outside, trusted;

    slot->iter++;
    if (value == 0.0) return 1;
    same = (sign_code(value) == slot->sign_lo);
    lo = same ? rate : lo;
    hi = same ? hi : rate;
    candidate = rate - newton;
    outside = !((candidate > lo) & (candidate < hi)) | !(fabs(candidate) <= DBL_MAX);
    if (outside) candidate = isfinite(hi) ? (lo + hi) / 2.0 : 2.0 * fabs(rate) + 0.1;
    /* a Newton step of 1e-9 leaves an error of order (t + 1) / (1 + r) * 1e-18 (quadratic
     * convergence, f''/f' ~ (t + 1) / (1 + r)): steps are trusted while that factor is
     * below 1e6, not near r = -1, where f is so steep that a tiny step says nothing;
     * there only a bracket narrower than the tolerance ends the iteration */
    step = fabs(candidate - rate);
    size = 1.0 + fabs(rate);
    slot->rate = candidate;
    slot->lo = lo;
    slot->hi = hi;
    trusted = (1.0 + slot->row.tick[slot->row.m - 1] * slot->row.per_unit
               <= NEWTON_TRUST * (1.0 + rate));
    if ((trusted & ((step <= TOL * size) | (!outside & (step <= NEWTON_DONE * size)))) |
        (hi - lo <= TOL * size))
        return 1;
    return slot->iter >= MAX_ITER ? 2 : 0;
}

/* Solve every row. SLOTS rows are in their Newton iteration at a time, evaluated one
 * after the other: each evaluation is a chain of dependent operations, and the
 * processor overlaps the chains of different rows. */
static Py_ssize_t
solve_rows(const Inputs *in, Work *w, Slot *slots, double *rates, signed char *status)
{
    Py_ssize_t next = 0, failed = 0;
    double value[SLOTS], newton[SLOTS];
    int s;

    for (;;) {
        int busy = 0;
        for (s = 0; s < SLOTS; s++) {
            Slot *slot = &slots[s];
            while (!slot->active && next < in->rows) {
                const Py_ssize_t i = next++;
                int st;
                w->row = &slot->row;
                st = load_row(in, w, i);
                if (st == ST_OK) st = start_newton(slot);
                if (st == ST_OK) {
                    slot->index = i;
                    slot->active = 1;
                }
                else {
                    rates[i] = NAN;
                    status[i] = (signed char)st;
                    failed++;
                }
            }
            busy |= slot->active;
        }
        if (!busy) return failed;
        for (s = 0; s < SLOTS; s++) {
            if (slots[s].active) {
                row_value(&slots[s].row, slots[s].rate, &value[s], &newton[s]);
            }
        }
        for (s = 0; s < SLOTS; s++) {
            Slot *slot = &slots[s];
            int outcome;
            if (!slot->active) continue;
            outcome = newton_step(slot, value[s], newton[s]);
            if (outcome == 0) continue;
            slot->active = 0;
            if (outcome == 1) {
                rates[slot->index] = slot->rate;
                status[slot->index] = ST_OK;
            }
            else {
                rates[slot->index] = NAN;
                status[slot->index] = ST_NO_CONVERGENCE;
                failed++;
            }
        }
    }
}

/* ------------------------------------------------------------- argument checking */

/* 'd' float64, 'q' int64, 'b' int8, or 0, from a buffer's format and item size. */
static char
buffer_kind(const Py_buffer *view)
{
    const char *fmt = view->format ? view->format : "B";
    char order = '@';
    if (*fmt != '\0' && strchr("@=<>!", *fmt) != NULL) order = *fmt++;
    if (fmt[0] == '\0' || fmt[1] != '\0') return 0;
#if PY_LITTLE_ENDIAN
    if (order == '>' || order == '!') return 0;
#else
    if (order == '<') return 0;
#endif
    if (fmt[0] == 'd' && view->itemsize == 8) return 'd';
    if ((fmt[0] == 'q' || fmt[0] == 'l') && view->itemsize == 8) return 'q';
    if (fmt[0] == 'b' && view->itemsize == 1) return 'b';
    return 0;
}

static int
get_buffer(PyObject *obj, Py_buffer *view, const char *name, int writable)
{
    const int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s must be a %sC-contiguous buffer (a numpy "
                     "array), got %.100s", name, writable ? "writable " : "",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    return 0;
}

/* The row stride of times or fractions: shape (rows, flows) or (flows,). */
static int
row_stride(const Py_buffer *view, const Inputs *in, const char *name, Py_ssize_t *stride)
{
    if (view->ndim == 2 && view->shape[0] == in->rows && view->shape[1] == in->flows) {
        *stride = in->flows;
        return 0;
    }
    if (view->ndim == 1 && view->shape[0] == in->flows) {
        *stride = 0;
        return 0;
    }
    PyErr_Format(PyExc_ValueError, "%s must have the shape of amounts (%zd, %zd) or "
                 "(%zd,)", name, in->rows, in->flows, in->flows);
    return -1;
}

static PyObject *
csolver_solve(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *a_obj, *t_obj, *f_obj, *r_obj, *s_obj, *result = NULL;
    Py_buffer av, tv, fv, rv, sv;
    int have_a = 0, have_t = 0, have_f = 0, have_r = 0, have_s = 0, from_row_start;
    double scale;
    Inputs in;
    Work w;
    Slot slots[SLOTS];
    void *block = NULL;
    Py_ssize_t failed = 0;
    char kind;

    if (!PyArg_ParseTuple(args, "OOOdpOO:solve", &a_obj, &t_obj, &f_obj, &scale,
                          &from_row_start, &r_obj, &s_obj)) {
        return NULL;
    }
    memset(&in, 0, sizeof in);
    memset(&w, 0, sizeof w);
    memset(slots, 0, sizeof slots);

    if (get_buffer(a_obj, &av, "amounts", 0) < 0) goto done;
    have_a = 1;
    if (av.ndim != 2 || buffer_kind(&av) != 'd') {
        PyErr_Format(PyExc_TypeError, "amounts must be a 2-D float64 array, got %d-D "
                     "with format '%s'", av.ndim, av.format ? av.format : "B");
        goto done;
    }
    in.amounts = (const double *)av.buf;
    in.rows = av.shape[0];
    in.flows = av.shape[1];
    in.scale = scale;
    in.from_row_start = from_row_start;
    in.plain = isfinite(scale) && scale >= 1.0;

    if (get_buffer(t_obj, &tv, "times", 0) < 0) goto done;
    have_t = 1;
    kind = buffer_kind(&tv);
    if (kind != 'd' && kind != 'q') {
        PyErr_Format(PyExc_TypeError, "times must be float64 or int64, got format '%s'",
                     tv.format ? tv.format : "B");
        goto done;
    }
    in.times_int = (kind == 'q');
    if (row_stride(&tv, &in, "times", &in.times_stride) < 0) goto done;
    in.times = tv.buf;

    if (f_obj != Py_None) {
        if (get_buffer(f_obj, &fv, "fractions", 0) < 0) goto done;
        have_f = 1;
        if (buffer_kind(&fv) != 'd') {
            PyErr_Format(PyExc_TypeError, "fractions must be float64 or None, got format "
                         "'%s'", fv.format ? fv.format : "B");
            goto done;
        }
        if (row_stride(&fv, &in, "fractions", &in.fractions_stride) < 0) goto done;
        in.fractions = (const double *)fv.buf;
    }

    if (get_buffer(r_obj, &rv, "rates", 1) < 0) goto done;
    have_r = 1;
    if (rv.ndim != 1 || buffer_kind(&rv) != 'd' || rv.shape[0] != in.rows) {
        PyErr_Format(PyExc_ValueError, "rates must be a 1-D float64 array of length %zd",
                     in.rows);
        goto done;
    }
    if (get_buffer(s_obj, &sv, "status", 1) < 0) goto done;
    have_s = 1;
    if (sv.ndim != 1 || buffer_kind(&sv) != 'b' || sv.shape[0] != in.rows) {
        PyErr_Format(PyExc_ValueError, "status must be a 1-D int8 array of length %zd",
                     in.rows);
        goto done;
    }

    {   /* scratch per flow: 1 double and 2 Py_ssize_t, and for each slot 3 doubles,
         * 1 Py_ssize_t and the class byte */
        const size_t n = (size_t)(in.flows > 0 ? in.flows : 1);
        const size_t per_flow = sizeof(double) + 2 * sizeof(Py_ssize_t)
            + SLOTS * (3 * sizeof(double) + sizeof(Py_ssize_t) + 1);
        char *p;
        int s;
        if (n > (size_t)PY_SSIZE_T_MAX / per_flow) {
            PyErr_NoMemory();
            goto done;
        }
        block = PyMem_RawMalloc(n * per_flow);
        if (block == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        p = (char *)block;
        w.shared_tick = (double *)p; p += n * sizeof(double);
        w.pos = (Py_ssize_t *)p; p += n * sizeof(Py_ssize_t);
        w.tmp = (Py_ssize_t *)p; p += n * sizeof(Py_ssize_t);
        for (s = 0; s < SLOTS; s++) {
            Row *row = &slots[s].row;
            row->amount = (double *)p; p += n * sizeof(double);
            row->tick = (double *)p; p += n * sizeof(double);
            row->fraction = (double *)p; p += n * sizeof(double);
            row->direct = (Py_ssize_t *)p; p += n * sizeof(Py_ssize_t);
        }
        for (s = 0; s < SLOTS; s++) {
            slots[s].row.cls = (unsigned char *)p; p += n;
        }
    }

    Py_BEGIN_ALLOW_THREADS
    {
        double *rates = (double *)rv.buf;
        signed char *status = (signed char *)sv.buf;
        if (in.times_stride == 0) {  /* one time row for all: check it once */
            long long ref_i;
            double ref_d;
            Py_ssize_t k;
            w.shared_status = check_times(&in, in.times, in.times_int, &ref_i, &ref_d,
                                          &w.shared_sorted);
            if (w.shared_status == ST_OK) {
                for (k = 0; k < in.flows; k++) {
                    w.shared_tick[k] = tick_of(&in, in.times, in.times_int, k, ref_i, ref_d);
                }
            }
        }
        failed = solve_rows(&in, &w, slots, rates, status);
    }
    Py_END_ALLOW_THREADS

    result = PyLong_FromSsize_t(failed);

done:
    PyMem_RawFree(block);
    if (have_a) PyBuffer_Release(&av);
    if (have_t) PyBuffer_Release(&tv);
    if (have_f) PyBuffer_Release(&fv);
    if (have_r) PyBuffer_Release(&rv);
    if (have_s) PyBuffer_Release(&sv);
    return result;
}

PyDoc_STRVAR(solve_doc,
"solve(amounts, times, fractions, scale, from_row_start, rates, status) -> int\n"
"\n"
"Solve the rate of every row of ``amounts`` (C-contiguous float64, shape (rows, flows),\n"
"zero-padded). ``times``: C-contiguous float64 or int64, shape (rows, flows), or\n"
"(flows,) for one time row shared by all rows; a flow's time in unit periods is\n"
"(time - reference) / scale, the reference being the row's earliest time (padding\n"
"included) when ``from_row_start`` is true and 0 otherwise; int64 -2**63 (numpy's NaT)\n"
"counts as not finite. ``fractions``: None or float64 shaped like ``times``, the\n"
"simple-interest fractions of Regulation Z, Appendix J (b)(8). Writes each row's rate to\n"
"``rates`` (float64, length rows; NaN where the status is not 0) and a code to\n"
"``status`` (int8: 0 solved, 1 no sign change, 2 no bracketing grid interval, 3 no\n"
"convergence, 4 non-finite amount, time or fraction, 5 negative time). Returns the number\n"
"of rows whose status is not 0. The GIL is released while solving.");

static PyMethodDef csolver_methods[] = {
    {"solve", csolver_solve, METH_VARARGS, solve_doc},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef csolver_module = {
    PyModuleDef_HEAD_INIT, "_csolver",
    "Compiled row-by-row rate solver of bnpl_restructure (see solver.py).",
    -1, csolver_methods, NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC
PyInit__csolver(void)
{
    return PyModule_Create(&csolver_module);
}
