"""Builds winnow's compiled fast paths (service/native/*.pyx) with Cython.

Everything else about the package is in pyproject.toml. Each .pyx becomes the
extension module service.native.<stem>; they read Lexbor's DOM structs through
service/native/lexbor_layout.h and need a C compiler at install time.
"""

from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

NATIVE = Path("service") / "native"

extensions = [
    Extension(
        f"service.native.{pyx.stem}",
        [str(pyx)],
        include_dirs=[str(NATIVE)],
        extra_compile_args=["-O2"],
    )
    for pyx in sorted(NATIVE.glob("*.pyx"))
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "initializedcheck": False,
            "cdivision": True,
        },
    )
)
