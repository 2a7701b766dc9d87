"""Build the optional C accelerators (everything else is in pyproject.toml).

Both extensions are optional: without a C compiler the install still succeeds and the
library runs its pure-Python / numpy paths, which give the same results (property tests
compare the two). ``BNPL_RESTRUCTURE_PURE_PYTHON=1`` disables the accelerators at run time.
"""

import sys

from setuptools import Extension, setup

LIBM = [] if sys.platform == "win32" else ["m"]

setup(
    ext_modules=[
        Extension("bnpl_restructure._ckernel", ["bnpl_restructure/_ckernel.c"],
                  optional=True),
        Extension("bnpl_restructure._csolver", ["bnpl_restructure/_csolver.c"],
                  optional=True, libraries=LIBM),
    ],
)
