"""Compile the indicator engine's hot modules into ``kuzet/indicators/native/``.

Run by ``make install``. The modules are the same Python source: compiled by mypyc (part of
mypy, already our type checker) using the strict type annotations the code carries anyway,
and ``scanner.py``, whose loops read one character at a time, by Cython with the C types in
``scanner.pxd``. ``kuzet.indicators`` uses the compiled modules only
when the manifest written here matches the current sources, so an edited module is never
shadowed by a stale build: it runs as plain Python until the next ``make install``.

Skips the build when the manifest is current. Without a C compiler or mypyc the build is
skipped with a message and the engine runs as plain Python (same results, slower).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kuzet" / "indicators"
NATIVE = PACKAGE / "native"
# The modules on the extraction path. model.py stays Python: its Indicator is built through
# the slot descriptors of a frozen dataclass, which mypyc's native classes do not expose.
MODULES = (
    "checksums",
    "masking",
    "normalise",
    "domains",
    "lookalike",
    "identifiers",
    "network",
    "patterns",
    "number_runs",
    "candidates",
    "extract",
)
# Character-level loops, compiled by Cython with the C types in their .pxd file: mypyc cannot
# read a string's characters without making an object of each.
CYTHON_MODULES = ("scanner",)

SETUP = """
from Cython.Build import cythonize
from mypyc.build import mypycify
from setuptools import setup

compiled_by_mypyc = mypycify(
    {paths!r}, opt_level="3", group_name="kuzet.indicators._native", target_dir={target_dir!r}
)
compiled_by_cython = cythonize(
    {cython_paths!r},
    build_dir={target_dir!r},
    quiet=True,
    compiler_directives={{
        "language_level": 3,
        "annotation_typing": False,
    }},
)
setup(
    name="kuzet-indicators-native",
    ext_modules=compiled_by_mypyc + compiled_by_cython,
    script_args=["build_ext", "--build-lib", {build_lib!r}, "--build-temp", {build_temp!r}],
)
"""


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def manifest() -> dict[str, str]:
    """What the compiled modules were built from: each source's SHA-256 and the interpreter."""
    files = [f"{name}.py" for name in (*MODULES, *CYTHON_MODULES)]
    files += [f"{name}.pxd" for name in CYTHON_MODULES]
    sources = {name: hashlib.sha256((PACKAGE / name).read_bytes()).hexdigest() for name in files}
    return {"python": sys.implementation.cache_tag, **sources}


def main() -> int:
    wanted = manifest()
    manifest_path = NATIVE / "manifest.json"
    if manifest_path.exists() and json.loads(manifest_path.read_text()) == wanted:
        say("indicator engine: compiled modules are current")
        return 0
    if os.environ.get("KUZET_INDICATORS_PURE") == "1":
        say("indicator engine: KUZET_INDICATORS_PURE=1, not compiling")
        return 0
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        paths = [f"kuzet/indicators/{name}.py" for name in MODULES]
        cython_paths = [f"kuzet/indicators/{name}.py" for name in CYTHON_MODULES]
        script = SETUP.format(
            paths=paths,
            cython_paths=cython_paths,
            build_lib=str(work / "out"),
            build_temp=str(work),
            target_dir=str(work / "c"),
        )
        say("indicator engine: compiling with mypyc and Cython (about a minute)")
        # mypyc names modules by their path from the working directory: run from the checkout.
        completed = subprocess.run(  # noqa: S603 - this interpreter, our own script
            [sys.executable, "-c", script],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            output = (completed.stdout + completed.stderr).strip().splitlines()
            tail = "\n".join(line for line in output[-15:] if not line.startswith("gcc"))
            say(f"{tail}\nindicator engine: mypyc build failed; running as plain Python")
            return 0
        built = sorted((work / "out" / "kuzet" / "indicators").glob("*.so"))
        shutil.rmtree(NATIVE, ignore_errors=True)
        NATIVE.mkdir()
        for library in built:
            shutil.copy2(library, NATIVE / library.name)
        manifest_path.write_text(json.dumps(wanted, indent=1) + "\n")
    say(f"indicator engine: {len(built)} compiled libraries in {NATIVE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
