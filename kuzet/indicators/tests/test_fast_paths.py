"""The fast paths agree with the plain algorithms they short-cut: the trigger search that
passes over triggers leading nowhere, the one-search test for clean text, and the slot-filling
Indicator constructor."""

from __future__ import annotations

import importlib
import re
import sys
from types import MappingProxyType

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kuzet.indicators import Indicator, IndicatorType, extract
from kuzet.indicators.model import new_indicator
from kuzet.indicators.normalise import (
    _REFANG_PATTERN,
    NormalisedText,
    _has_defanging,
    _rewrite_pattern,
    _unsafe_characters,
    is_clean,
    normalise,
)

# The module, not the function the package re-exports under the same name.
extract_module = sys.modules["kuzet.indicators.extract"]
patterns = importlib.import_module("kuzet.indicators.patterns")
candidates = importlib.import_module("kuzet.indicators.candidates")

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that make the trigger loop take every path: digit runs and their separators, masks,
# sentence ends, words glued to numbers, hosts, handles and defanged forms.
PIECES = [
    *"0123456789 .:,;!?)(\"'»-+@/*xX•●TtKZаё\n",
    ". ",
    ".)",
    ":,",
    "12",
    "8 701 123 45 67",
    "4400 4301 2345 6789",
    "XXXX ",
    "**** ",
    "x.kz",
    "kaspi.kz",
    "http://",
    "t.me/",
    "wa.me/",
    "tel:",
    "0x",
    "00",
    "KZ86125KZT5004100100",
    "KZ 86 125 KZT5004100100",
    "KZ ",
    "RR058584904KZ",
    "1.2.3.4",
    "::1",
    "ORD-",
    "TRC20",
    "hxxps",
    "[.]",
    "901123300258",
    "TXYZabcdefghijkmnopqrstuvwxyzABCDE",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)

# Every trigger character, found one at a time: the search before it learnt to pass over any.
_EVERY_TRIGGER = re.compile(r"[0-9@.:/*•●+]")
_SENTENCE_END = frozenset(" \n\t\r,;!?)\"'»")


def extract_trying_every_trigger(text: str) -> list[Indicator]:
    """``extract`` with the plain trigger loop: every trigger character is visited."""
    normalised = normalise(text)
    collector = candidates._Collector(text, None if normalised.is_identity else normalised)
    subject = normalised.text
    position = 0
    while (trigger := _EVERY_TRIGGER.search(subject, position)) is not None:
        trigger_position = trigger.start()
        low = max(position, trigger_position - extract_module._LOOKBACK)
        position = trigger_position + 1
        character = subject[trigger_position]
        if character in ".:" and (position == len(subject) or subject[position] in _SENTENCE_END):
            continue
        if trigger_position == low or (
            subject[trigger_position - 1] in " \n\t\r"
            and subject[trigger_position - 2 : trigger_position - 1] not in "xX*•●"
        ):
            if (
                trigger_position - 3 >= low
                and subject[trigger_position - 1] == " "
                and (handled := candidates._spaced_iban(collector, subject, trigger_position - 3))
            ):
                position = max(position, handled)
                continue
            starts = range(trigger_position, trigger_position + 1)
        else:
            starts = range(
                extract_module._word_start(subject, low, trigger_position), trigger_position + 1
            )
        for candidate_start in starts:
            matcher = patterns._matcher(subject[candidate_start])
            match = matcher(subject, candidate_start) if matcher is not None else None
            if match is not None:
                handler = candidates._HANDLERS[match.lastgroup or "domain"]
                # As in extract: a candidate that fails before the trigger lets the loop come
                # back to the trigger itself ("TXYZ…,1.2.3.4": not a wallet, then an address).
                position = max(handler(collector, match, subject), candidate_start + 1)
                break
    if "T" in subject:
        added = len(collector.results)
        for wallet in patterns._TRON_WITHOUT_DIGITS.finditer(subject):
            candidates._crypto(collector, wallet, subject)
        if len(collector.results) > added:
            collector.results.sort(key=lambda indicator: indicator.start)
    return collector.results


@given(texts)
@SETTINGS
@example("12:30, 25.09.2019 в 21:27: 8 701 123 45 67.")
@example("RR058584904KZ. KZ2895 63574CN, TRC20 to TH1GcSXws")
@example("XXXX-XXXX-XXXX-XXXX.)+77011234567 т.ч.,8 701 123 45 67")
@example("20/08/2023 4400 43** **** 1234; hxxps://kaspi[.]kz/a.)")
@example("KZ 86 125 KZT5004100100 KZ 12 8 701 123 45 67")
@example("TXYZabcdefghijkmnopqrstuvwxyzABCDE,1.2.3.4")
@example("TXYZabcdefghijkmnopqrstuvwxyzABCDE,8 701 123 45 67")
def test_the_trigger_search_passes_over_nothing_that_matters(text: str) -> None:
    assert extract(text) == extract_trying_every_trigger(text)


@given(
    st.lists(
        st.sampled_from([*PIECES, "\u200b", "１", "\xa0", "🔥", "К", "(dot)"]), max_size=30
    ).map("".join)
)
@SETTINGS
@example("Meow://x")
@example("HXXP[:]//a")
@example("(DOT) {at} [/]")
def test_clean_text_needs_neither_folding_nor_refanging(text: str) -> None:
    if is_clean(text):
        assert not _unsafe_characters(text)
        assert not _has_defanging(text)
        assert normalise(text) == NormalisedText(text=text, original=text)


def test_new_indicator_is_the_dataclass() -> None:
    details = MappingProxyType({"country": "KZ"})
    built = new_indicator(IndicatorType.PHONE, "+77011234567", "8701", 3, 7, True, details)
    assert built == Indicator(IndicatorType.PHONE, "+77011234567", "8701", 3, 7, True, details)
    assert hash(built) == hash(Indicator(IndicatorType.PHONE, "+77011234567", "8701", 3, 7, True))
    assert built.as_dict()["country"] == "KZ"


_DEFANG_PIECES = [" ", "[", "]", "(", ")", "{", "}", ".", "dot", "DOT", "at", "@", ":", "://", "/",
                  "h", "H", "xx", "XT", "p", "s", "meow", "MEOW", "a", "\xa0", "\u200b", "１",
                  "hxxps[:]//", " [.] ", "(dot)", "ſ", "K"]  # fmt: skip


def _plain_rewrite_pattern(unsafe_characters: tuple[str, ...]) -> re.Pattern[str]:
    """The rewrite pattern as first written: each alternative tried at every position."""
    alternatives = [f"(?P<refang>(?i:{_REFANG_PATTERN}))"]
    if unsafe_characters:
        alternatives.append("[" + "".join(re.escape(c) for c in unsafe_characters) + "]")
    return re.compile("|".join(alternatives))


@given(st.lists(st.sampled_from(_DEFANG_PIECES), max_size=20).map("".join))
@SETTINGS
@example("help [at] mail [dot] ru hxxps[:]//kaspi(.)kz meow://x")
@example("ahxxp: h\xa0xxp: MEOW:// ( dot )")
def test_the_rewrite_pattern_finds_what_the_plain_one_finds(text: str) -> None:
    unsafe = tuple(sorted({character for character in text if character in "\xa0\u200b１"}))

    def found(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], bool]]:
        return [(m.span(), m.group("refang") is not None) for m in pattern.finditer(text)]

    assert found(_rewrite_pattern(unsafe)) == found(_plain_rewrite_pattern(unsafe))


def _plain_candidate_pattern(names: list[str]) -> re.Pattern[str]:
    """The candidate pattern without the number fast path, and with backtracking digit groups
    and mask look-ahead, as first written."""
    branches = dict(patterns._BRANCHES)
    branches["number"] = branches["number"].replace("[0-9]++", "[0-9]+")
    branches["partial"] = branches["partial"].replace("{0,10}+", "{0,10}")
    chosen = [name for name in patterns._ORDER if name in names and name != "fastnumber"]
    return re.compile("|".join(f"(?P<{name}>{branches[name]})" for name in chosen))


_NUMBER_PIECES = [*"0123456789 .:,;!?)(-+@/*xX•●aZ\n", "0x", "1.2.3.4", "::", "bc1", "8 (701)",
                  " - ", "4400 43** ****", "@mail.ru", ".kz", "TRC20",
                  "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"]  # fmt: skip


@given(st.lists(st.sampled_from(_NUMBER_PIECES), max_size=25).map("".join))
@SETTINGS
@example("8 747 609 0657, 87011234567@mail.ru 4400 43** **** 1234 1.2.3.4 8-701-123-45-67")
def test_the_number_fast_path_changes_no_candidate(text: str) -> None:
    fast = patterns._matcher("7")
    assert fast is not None
    names = sorted(patterns._branches_for("7"))
    plain = _plain_candidate_pattern(names).match
    for position in range(len(text)):
        found, expected = fast(text, position), plain(text, position)
        if expected is None:
            assert found is None
        else:
            assert found is not None
            kind = "number" if found.lastgroup == "fastnumber" else found.lastgroup
            assert (found.span(), kind) == (expected.span(), expected.lastgroup)
