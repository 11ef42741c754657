"""Linear time on pathological input, checked by counting work rather than by the clock.

A URL followed by a long run of ``)``, dots or commas once cost time quadratic in the run
(2.4 s at 80k characters, minutes at 1 MB): each character dropped re-counted the brackets
and copied the URL. The trimming is now one pass from the right. These tests count the
characters the trimming reads through a ``str`` subclass that tallies every scan and copy;
a quadratic trimmer reads about n²/2 characters, a linear one a small multiple of n. The
counting needs the plain-Python build (compiled code reads the string's buffer directly and
never calls the subclass), which the suite also runs (``KUZET_INDICATORS_PURE=1``).
"""

from __future__ import annotations

import importlib
from types import FunctionType
from typing import SupportsIndex

import pytest

from kuzet.indicators import extract

candidates = importlib.import_module("kuzet.indicators.candidates")


class _CountingText(str):
    """A string that adds to ``read`` the characters each scan, slice or count touches."""

    read = 0

    def __getitem__(self, key: SupportsIndex | slice) -> str:  # type: ignore[override]
        result = str.__getitem__(self, key)
        _CountingText.read += max(len(result), 1)
        return _CountingText(result) if isinstance(key, slice) else result

    def count(  # type: ignore[override]
        self, sub: str, start: SupportsIndex | None = None, end: SupportsIndex | None = None
    ) -> int:
        _CountingText.read += len(str.__getitem__(self, slice(start, end)))
        return str.count(self, sub, start, end)


_URL = "http://a.kz/x"
# Each tail is what follows the URL; the answer is what the URL keeps of it.
TAILS = [
    (")" * 20_000, ""),
    ("." * 20_000, ""),
    ("," * 20_000, ""),
    ("(y)" + ")" * 20_000, "(y)"),
    (").,;:!?" * 3_000, ""),
    ("(" * 10_000 + ")" * 20_000, "(" * 10_000 + ")" * 10_000),
]


@pytest.mark.skipif(
    not isinstance(candidates._trim_url, FunctionType),
    reason="counts reads through a str subclass, which only plain Python calls",
)
@pytest.mark.parametrize(("tail", "kept"), TAILS, ids=lambda value: repr(value[:8]))
def test_trailing_punctuation_is_trimmed_in_one_pass(tail: str, kept: str) -> None:
    text = _CountingText(_URL + tail)
    _CountingText.read = 0
    assert str(candidates._trim_url(text)) == _URL + kept
    # Counting brackets once, a look at each character and one copy: at most 4n reads. The
    # old trimmer read about n²/2 (2·10⁸ here).
    assert _CountingText.read <= 4 * len(text)


@pytest.mark.parametrize("tail", [")", ".", ",", ").", "?!"])
def test_a_url_before_a_megabyte_of_punctuation_is_found_whole(tail: str) -> None:
    text = "см. http://kaspi-bonus.kz/pay(1)" + tail * (1_000_000 // len(tail))
    assert [(indicator.type.value, indicator.value) for indicator in extract(text)] == [
        ("url", "http://kaspi-bonus.kz/pay(1)"),
        ("domain", "kaspi-bonus.kz"),
    ]
