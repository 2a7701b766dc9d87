/*
 * Optional C accelerator for the single-loan path of the amortization kernel.
 *
 * run() executes one period program exactly as core._run_columns_python does (the same
 * recurrence, the same rounding of each period's interest, the same payment rules), on
 * 64-bit integers with a 128-bit product for balance x numerator. Whenever a value would
 * leave the int64 range it returns None and the caller runs the pure-Python path on
 * exact Python integers: the accelerator never changes a result, it only makes the common
 * case fast. A property test in tests/test_core_native.py asserts identical columns.
 *
 * month_dates() computes monthly due dates anchored on one date (the anchor's day of the
 * month, clipped to the month's last day), the rule calendar._add_months implements.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <stdint.h>

/* Payment rules and unpaid-interest codes: core.PaymentRule / core.UnpaidInterest. */
enum { RULE_AMOUNT = 0, RULE_PRINCIPAL = 1, RULE_INTEREST_ONLY = 2, RULE_NOTHING = 3,
       RULE_PAYOFF = 4 };
enum { UNPAID_CAPITALIZE = 0, UNPAID_CARRY = 1, UNPAID_WAIVE = 2 };
/* Rounding modes, numbered as core._MODE_CODES numbers them. */
enum { MODE_HALF_UP = 0, MODE_HALF_EVEN = 1, MODE_HALF_DOWN = 2, MODE_UP = 3,
       MODE_DOWN = 4 };

#define N_COLUMNS 9

/* A column being read: the last item converted, so that a repeated object (a level
 * payment, one rate throughout) is converted once. */
typedef struct {
    PyObject *seq, *last;
    int64_t value;
} Column;

/* Read item k of a tuple or list of ints as int64; 0 and *ok = 0 when it does not fit. */
static int64_t
item_i64(Column *col, Py_ssize_t k, int *ok)
{
    PyObject *item = PySequence_Fast_GET_ITEM(col->seq, k);
    int overflow = 0;
    long long value;
    if (item == col->last)
        return col->value;
    if (!PyLong_Check(item)) {
        *ok = 0;
        return 0;
    }
    value = PyLong_AsLongLongAndOverflow(item, &overflow);
    if (overflow || (value == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        *ok = 0;
        return 0;
    }
    col->last = item;
    col->value = (int64_t)value;
    return (int64_t)value;
}

#if defined(__SIZEOF_INT128__)
typedef __int128 wide_t;

/* numerator / denominator rounded by mode; numerator >= 0, denominator > 0. */
static int
round_nonnegative(wide_t numerator, int64_t denominator, int mode, int64_t *out)
{
    wide_t q = numerator / denominator;
    wide_t r = numerator % denominator;
    wide_t twice = 2 * r;
    if (r != 0) {
        switch (mode) {
        case MODE_UP:
            q += 1;
            break;
        case MODE_DOWN:
            break;
        case MODE_HALF_UP:
            if (twice >= denominator)
                q += 1;
            break;
        case MODE_HALF_DOWN:
            if (twice > denominator)
                q += 1;
            break;
        default: /* MODE_HALF_EVEN */
            if (twice > denominator || (twice == denominator && (q & 1)))
                q += 1;
            break;
        }
    }
    if (q > INT64_MAX)
        return 0;
    *out = (int64_t)q;
    return 1;
}

static int
add_ok(int64_t a, int64_t b, int64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/* The recurrence of core._run_columns_python on int64; 0 when a value leaves int64. */
static int
run_program(int64_t principal, Py_ssize_t n, PyObject *nums, PyObject *dens,
            PyObject *rules, PyObject *amounts, PyObject *fees, PyObject *unpaids,
            int mode, int64_t *cols)
{
    int64_t balance = principal, carried = 0;
    int ok = 1;
    Column c_num = {nums, NULL, 0}, c_den = {dens, NULL, 0}, c_rule = {rules, NULL, 0};
    Column c_amount = {amounts, NULL, 0}, c_fee = {fees, NULL, 0};
    Column c_unpaid = {unpaids, NULL, 0};
    for (Py_ssize_t k = 0; k < n; k++) {
        int64_t num = item_i64(&c_num, k, &ok), den = item_i64(&c_den, k, &ok);
        int64_t rule = item_i64(&c_rule, k, &ok), amount = item_i64(&c_amount, k, &ok);
        int64_t fee = item_i64(&c_fee, k, &ok), how = item_i64(&c_unpaid, k, &ok);
        int64_t accrued = 0, due, interest, principal_paid, unpaid, payment;
        int64_t capitalized = 0, waived = 0;
        if (!ok || num < 0 || den <= 0 || amount < 0 || fee < 0 || balance < 0)
            return 0;
        if (num != 0 && balance != 0 &&
            !round_nonnegative((wide_t)balance * num, den, mode, &accrued))
            return 0;
        if (!add_ok(carried, accrued, &due))
            return 0;
        switch (rule) {
        case RULE_AMOUNT:
            interest = due < amount ? due : amount;
            principal_paid = amount - interest;
            if (principal_paid > balance)
                principal_paid = balance;
            break;
        case RULE_NOTHING:
            interest = 0;
            principal_paid = 0;
            break;
        case RULE_PRINCIPAL:
            interest = due;
            principal_paid = amount < balance ? amount : balance;
            break;
        case RULE_PAYOFF:
            interest = due;
            principal_paid = balance;
            break;
        case RULE_INTEREST_ONLY:
            interest = due;
            principal_paid = 0;
            break;
        default:
            return 0;
        }
        unpaid = due - interest;
        carried = 0;
        if (unpaid) {
            if (how == UNPAID_CAPITALIZE) {
                capitalized = unpaid;
                if (!add_ok(balance, unpaid, &balance))
                    return 0;
            }
            else if (how == UNPAID_WAIVE) {
                waived = unpaid;
            }
            else if (how == UNPAID_CARRY) {
                carried = unpaid;
            }
            else {
                return 0;
            }
        }
        balance -= principal_paid;
        if (!add_ok(principal_paid, interest, &payment) || !add_ok(payment, fee, &payment))
            return 0;
        /* column order: core.Columns */
        cols[0 * n + k] = payment;
        cols[1 * n + k] = principal_paid;
        cols[2 * n + k] = interest;
        cols[3 * n + k] = fee;
        cols[4 * n + k] = balance;
        cols[5 * n + k] = accrued;
        cols[6 * n + k] = capitalized;
        cols[7 * n + k] = waived;
        cols[8 * n + k] = carried;
    }
    return 1;
}
#endif

static PyObject *
kernel_run(PyObject *Py_UNUSED(module), PyObject *args)
{
#if defined(__SIZEOF_INT128__)
    PyObject *principal_obj, *seq_in[6], *seq[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    PyObject *result = NULL;
    int mode, overflow = 0, ok;
    long long principal;
    Py_ssize_t n = -1;
    int64_t *cols = NULL;
    static const char *names[6] = {"nums", "dens", "rules", "amounts", "fees", "unpaids"};

    if (!PyArg_ParseTuple(args, "OOOOOOOi:run", &principal_obj, &seq_in[0], &seq_in[1],
                          &seq_in[2], &seq_in[3], &seq_in[4], &seq_in[5], &mode))
        return NULL;
    if (!PyLong_Check(principal_obj)) {
        PyErr_SetString(PyExc_TypeError, "run: principal must be an int");
        return NULL;
    }
    if (mode < MODE_HALF_UP || mode > MODE_DOWN) {
        PyErr_SetString(PyExc_ValueError, "run: unknown rounding mode code");
        return NULL;
    }
    principal = PyLong_AsLongLongAndOverflow(principal_obj, &overflow);
    if (overflow || principal < 0) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    for (int j = 0; j < 6; j++) {
        seq[j] = PySequence_Fast(seq_in[j], names[j]);
        if (seq[j] == NULL)
            goto done;
        if (n < 0)
            n = PySequence_Fast_GET_SIZE(seq[j]);
        else if (PySequence_Fast_GET_SIZE(seq[j]) != n) {
            PyErr_Format(PyExc_ValueError, "run: %s must have one value per period",
                         names[j]);
            goto done;
        }
    }
    cols = PyMem_Malloc(sizeof(int64_t) * N_COLUMNS * (size_t)(n > 0 ? n : 1));
    if (cols == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    ok = run_program((int64_t)principal, n, seq[0], seq[1], seq[2], seq[3], seq[4], seq[5],
                     mode, cols);
    if (!ok) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    result = PyTuple_New(N_COLUMNS);
    if (result == NULL)
        goto done;
    for (int c = 0; c < N_COLUMNS; c++) {
        PyObject *column;
        if (c == 3 && PyTuple_CheckExact(seq_in[4])) {
            /* the fee column is the fees given, value for value */
            Py_INCREF(seq_in[4]);
            PyTuple_SET_ITEM(result, c, seq_in[4]);
            continue;
        }
        column = PyTuple_New(n);
        if (column == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyTuple_SET_ITEM(result, c, column);
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *value;
            if (k > 0 && cols[c * n + k] == cols[c * n + k - 1]) {
                value = PyTuple_GET_ITEM(column, k - 1); /* a level payment, a zero */
                Py_INCREF(value);
            }
            else if (c == 5 && cols[5 * n + k] == cols[2 * n + k]) {
                /* interest accrued and paid in the period: the same int */
                value = PyTuple_GET_ITEM(PyTuple_GET_ITEM(result, 2), k);
                Py_INCREF(value);
            }
            else {
                value = PyLong_FromLongLong(cols[c * n + k]);
                if (value == NULL) {
                    Py_CLEAR(result);
                    goto done;
                }
            }
            PyTuple_SET_ITEM(column, k, value);
        }
    }
done:
    PyMem_Free(cols);
    for (int j = 0; j < 6; j++)
        Py_XDECREF(seq[j]);
    return result;
#else
    (void)args;
    Py_RETURN_NONE; /* no 128-bit integers on this compiler: the Python path runs */
#endif
}

static int
days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
        return 29;
    return days[month - 1];
}

static PyObject *
kernel_month_dates(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *anchor, *result;
    Py_ssize_t first, stop;
    long long step;
    int year, month, day;

    if (!PyArg_ParseTuple(args, "OnnL:month_dates", &anchor, &first, &stop, &step))
        return NULL;
    if (!PyDate_Check(anchor)) {
        PyErr_SetString(PyExc_TypeError, "month_dates: anchor must be a date");
        return NULL;
    }
    if (stop < first) {
        PyErr_SetString(PyExc_ValueError, "month_dates: stop must not be before first");
        return NULL;
    }
    year = PyDateTime_GET_YEAR(anchor);
    month = PyDateTime_GET_MONTH(anchor);
    day = PyDateTime_GET_DAY(anchor);
    result = PyTuple_New(stop - first);
    if (result == NULL)
        return NULL;
    for (Py_ssize_t k = first; k < stop; k++) {
        /* months since year 0 of the k-th date; past +-10**15 months no date exists */
        const long long limit = 1000000000000000LL;
        long long kk = (long long)k, months, y;
        int m, d = day;
        PyObject *value;
        if (kk != 0 && (step > limit || step < -limit || kk > limit || kk < -limit ||
                        (step != 0 && (kk > limit / (step < 0 ? -step : step) ||
                                       kk < -limit / (step < 0 ? -step : step))))) {
            Py_DECREF(result);
            PyErr_SetString(PyExc_OverflowError, "year out of range");
            return NULL;
        }
        months = (long long)year * 12 + (month - 1) + kk * step;
        y = months >= 0 ? months / 12 : -((-months + 11) / 12);
        m = (int)(months - y * 12) + 1;
        if (y < 1 || y > 9999) {
            Py_DECREF(result);
            PyErr_SetString(PyExc_OverflowError, "year out of range");
            return NULL;
        }
        if (d > 28) {
            int last = days_in_month((int)y, m);
            if (d > last)
                d = last;
        }
        value = PyDate_FromDate((int)y, m, d);
        if (value == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        PyTuple_SET_ITEM(result, k - first, value);
    }
    return result;
}

static PyMethodDef kernel_methods[] = {
    {"run", kernel_run, METH_VARARGS,
     "run(principal, nums, dens, rules, amounts, fees, unpaids, mode) -> 9 tuples or None"},
    {"month_dates", kernel_month_dates, METH_VARARGS,
     "month_dates(anchor, first, stop, step) -> due dates anchor + k*step months"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef kernel_module = {
    PyModuleDef_HEAD_INIT, "_ckernel",
    "Optional C accelerator of bnpl_restructure.core (single-loan path, monthly dates).",
    -1, kernel_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__ckernel(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL)
        return NULL;
    return PyModule_Create(&kernel_module);
}
