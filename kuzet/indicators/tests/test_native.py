"""The compiled build of the indicator engine: used only while current, and it agrees with the
plain Python source on the whole benchmark corpus."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kuzet.indicators
from kuzet.indicators import _compiled_modules_are_current

PACKAGE = Path(kuzet.indicators.__file__).parent
NATIVE = PACKAGE / "native"
CORPUS = PACKAGE.parents[1] / "benchmarks" / "indicators" / "corpus.jsonl"

# Extracts every corpus text and prints the results, one JSON line per text.
DUMP = """
import json, sys
import kuzet.indicators as indicators
from kuzet.indicators import extract
print(indicators.IMPLEMENTATION)
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        text = json.loads(line)["text"]
        print(json.dumps([indicator.as_dict() for indicator in extract(text)], sort_keys=True))
"""


def _dump(*, pure: bool) -> list[str]:
    environment = {**os.environ, "KUZET_INDICATORS_PURE": "1" if pure else "0"}
    completed = subprocess.run(
        [sys.executable, "-c", DUMP, str(CORPUS)],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    return completed.stdout.splitlines()


def _copy_of_package(tmp_path: Path) -> Path:
    copy = tmp_path / "indicators"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    return copy


def test_a_build_is_used_only_for_the_sources_it_was_built_from(tmp_path: Path) -> None:
    package = _copy_of_package(tmp_path)
    native = package / "native"
    native.mkdir(exist_ok=True)
    manifest = {"python": sys.implementation.cache_tag}
    for name in ("extract.py", "scanner.pxd"):
        manifest[name] = hashlib.sha256((package / name).read_bytes()).hexdigest()
    (native / "manifest.json").write_text(json.dumps(manifest))
    assert _compiled_modules_are_current(native)

    # An edited source: the stale build must not shadow it.
    with (package / "scanner.pxd").open("a") as source:
        source.write("\n# edited\n")
    assert not _compiled_modules_are_current(native)

    # Another interpreter's build, or no manifest at all.
    (native / "manifest.json").write_text(json.dumps({**manifest, "python": "cpython-99"}))
    assert not _compiled_modules_are_current(native)
    (native / "manifest.json").unlink()
    assert not _compiled_modules_are_current(native)


def test_the_compiled_build_agrees_with_the_source_on_the_corpus() -> None:
    if not _compiled_modules_are_current(NATIVE):
        if os.environ.get("CI"):
            pytest.fail("CI builds the compiled indicator engine (make install): it is missing")
        pytest.skip("no current compiled build here (make install builds it)")
    compiled, pure = _dump(pure=False), _dump(pure=True)
    assert compiled[0] == "compiled (mypyc, Cython)"
    assert pure[0] == "pure Python"
    assert len(compiled) == len(pure) > 2000
    assert compiled[1:] == pure[1:]
