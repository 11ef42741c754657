"""The character scans give the regular expressions' answers, compiled or not."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kuzet.indicators import normalise, scanner

# The module, not the function the package re-exports under the same name.
extract_module = sys.modules["kuzet.indicators.extract"]
patterns = importlib.import_module("kuzet.indicators.patterns")
CORPUS = Path(__file__).parents[3] / "benchmarks" / "indicators" / "corpus.jsonl"

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Triggers, their neighbours that decide, defanged forms and what normalise rewrites.
PIECES = [
    *"0123456789 .:,;!?)(\"'»[]{}@/*+•●xXtTpPsShH\n\t_",
    "dot", "DOT", "at", "://", "meow", "MEOW", "hxxp", "hXtP", "ahxxp", "[.]", "(dot)", "{at}",
    "[://]", "hxxps[:]//", "meow://", "\xa0", "\u200b", "\u00ad", "１", "ｋ", "ſ", "K", "é", "🔥",
    "ё", "ә", "№", "₸", "…", "™", "8 701 123 45 67", "https://kaspi.kz/a", "x@mail.ru",
]  # fmt: skip
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.text(max_size=40),
)


def _regex_triggers(text: str) -> list[int]:
    return [
        found.start() for found in extract_module._SCAN.finditer(text) if found.lastgroup is None
    ]


@given(texts)
@SETTINGS
@example("hxxps[:]//kaspi[.]kz (dot) meow:// https://x 12:30. т.ч., 8 (701) 123-45-67")
@example("ahxxp: _hxxp: HxTpS[: meow:/ 1.2.3.4.")
def test_is_clean_agrees_with_the_pattern(text: str) -> None:
    assert scanner.is_clean(text) == normalise.is_clean(text)


@given(texts)
@SETTINGS
@example("12:30, 25.09.2019 в 21:27: 8 701 123 45 67.")
@example("4400 43** **** 1234 • ● +7 701 x@y.kz «a.»")
def test_trigger_positions_agree_with_the_pattern(text: str) -> None:
    assert scanner.trigger_positions(text) == _regex_triggers(text)


def test_both_agree_on_the_corpus() -> None:
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        assert scanner.is_clean(text) == normalise.is_clean(text), text
        assert scanner.trigger_positions(text) == _regex_triggers(text), text


NUMBER_PIECES = [
    *"0123456789 .:,;!?)(-+@/*xX•●aZ\n", "0x", "1.2.3.4", "::", " (", ") ", ")-", " - ",
    "8 (701)", "4400 43** ****", "@mail.ru", ".kz", "TRC20", "é", "٣", "１",
]  # fmt: skip


@given(st.lists(st.sampled_from(NUMBER_PIECES), min_size=1, max_size=25).map("".join))
@SETTINGS
@example("8 (701) 123-45-67, 8 ( 701 ) 123 - 45 - 67 870112345a 4400 43** ****")
@example("7 )-5 (8 ) 9 - 1")
def test_number_runs_end_where_the_fast_number_pattern_ends(text: str) -> None:
    fast = patterns._matcher("7")
    assert fast is not None
    for start, character in enumerate(text):
        if not "0" <= character <= "9":
            continue
        match = fast(text, start)
        expected = match.end() if match is not None and match.lastgroup == "fastnumber" else -1
        assert scanner.number_run_end(text, start) == expected, start
