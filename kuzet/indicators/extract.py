"""Find every indicator in free text.

The text is normalised first (see ``normalise``). A one-character-class pattern then finds the
next trigger character (a digit, @, a dot, a colon, a slash, a mask star or a plus; every
indicator has one), and from the start of the word holding it a precompiled pattern, chosen by
the first character, proposes a candidate (phone/card digit run, IBAN, URL, e-mail, domain…).
Each candidate is checked by the cheap validator of its type (checksums, registry lengths,
number ranges) and recorded with offsets mapped back to the input. Nothing here calls a slow
library per candidate: phonenumbers only sees non-+7 international numbers, and idna and the
public-suffix lookup run once per distinct host (cached). In the compiled build the cleanliness
check, the trigger search and number runs at a word start come from ``scanner`` (C loops held
to these patterns by tests) instead of the patterns.
"""

from __future__ import annotations

import re
import time

from kuzet.indicators import scanner
from kuzet.indicators.candidates import _HANDLERS, _Collector, _crypto, _number_run, _spaced_iban
from kuzet.indicators.model import Indicator
from kuzet.indicators.normalise import is_clean, normalise_unclean
from kuzet.indicators.number_runs import _run_segments, _run_segments_in_context
from kuzet.indicators.patterns import (
    _IBAN_COUNTRY_LETTERS,
    _MATCHERS,
    _TRON_WITHOUT_DIGITS,
    _matcher,
)

__all__ = ["extract"]

# The Kazakh calendar day (UTC+5) the number caches were filled on.
_KAZAKH_UTC_OFFSET_SECONDS = 5 * 3600
_cache_day = [0]


# Every indicator contains at least one of these characters (a digit, @, a dot, a colon, a
# slash, a mask star or a plus). A pattern that starts with a single character class lets the
# regular expression engine skip the prose between them in its C loop; the full candidate
# pattern is then tried only from the start of the word that holds the trigger. Trying the full
# pattern at every position instead is about ten times slower on Russian and English prose.
_TRIGGER_CHARACTERS = "[0-9@.:/*•●+]"
# The trigger search. Many trigger characters of dense text lead nowhere, and each would cost a
# trip through the Python loop below, so the search itself passes over two kinds:
# - A trigger right after a digit. That digit is a trigger found first, so the loop's position
#   has already reached this character, and no candidate can start here: every branch refuses
#   to start right after an ASCII letter or digit.
# - A dot or colon that ends a sentence or a label, before white space or at the end of the
#   text: the loop would only step past it, and nothing after white space looks back past it.
# Before other punctuation (``т.ч.,``) such a dot is returned as a ``skip`` token: the loop
# only moves its position past it.
# ``scanner.trigger_positions`` answers the same, compiled, a character at a time in C.
_SCAN = re.compile(
    _TRIGGER_CHARACTERS + r"(?<![0-9].)"
    r"(?!(?<=[.:])(?:[ \n\t\r]|\Z))"
    r"(?P<skip>(?<=[.:])(?=[,;!?)\"'»]))?"
)
# The compiled character scans (scanner.py), when Cython has built them; else the patterns.
_USE_SCANNER = scanner.COMPILED
_scanner_is_clean = scanner.is_clean
_scanner_trigger_positions = scanner.trigger_positions
_scanner_number_run_end = scanner.number_run_end
# How far back from a trigger a candidate may start (a long e-mail local part or URL scheme).
_LOOKBACK = 100
_MASK_WORD = re.compile(r"[xX*•●]{4}[ \-]$")


_WORD_BREAKS = frozenset(" \n\t\r")
_MASK_CHARACTERS = frozenset("xX*•●")
# Every branch refuses to start right after one of these (see the look-behinds in ``patterns``).
_ASCII_LETTERS_AND_DIGITS = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)


def _word_start(subject: str, low: int, trigger: int) -> int:
    start = trigger
    while start > low and subject[start - 1] not in _WORD_BREAKS:
        start -= 1
    # "XXXX XXXX XXXX 1234": the masked words before the first digit belong to the card.
    while (
        start - 5 >= low
        and subject[start - 2] in "xX*•●"
        and _MASK_WORD.match(subject, start - 5, start)
    ):
        start -= 5
    return start


# What may stand between an IBAN's country and the space before its check digits ("NO. 26").
_COUNTRY_APART = frozenset(".-\u2010\u2011\u2012\u2013\u2014\u2212")


def _country_end_before(subject: str, space: int, low: int) -> int:
    """Where two country letters end right before ``space`` ("KZ 86", or "NO. 26" with a dot
    or dash between), or -1."""
    end = space
    if subject[end - 1] in _COUNTRY_APART:
        end -= 1
    if end - 2 >= low and subject[end - 1] in _IBAN_COUNTRY_LETTERS:
        return end
    return -1


def extract(text: str | bytes) -> list[Indicator]:
    """Every indicator in ``text``, in order of appearance, each with offsets into ``text``.

    Occurrences are not de-duplicated: the same card written twice is returned twice, with
    both positions. A URL also yields its domain (or IP address); a WhatsApp link yields a
    phone. Never raises on a string, whatever it contains. Bytes are decoded as UTF-8 with
    invalid sequences replaced, and offsets then refer to the decoded text.
    """
    if not isinstance(text, str):
        # Bytes from a file or socket: decode leniently rather than fail on one bad byte.
        text = text.decode("utf-8", errors="replace")
    kazakh_day = int(time.time() + _KAZAKH_UTC_OFFSET_SECONDS) // 86400
    if kazakh_day != _cache_day[0]:
        # A cached IIN verdict ("born in the future") may change at Kazakh midnight.
        _cache_day[0] = kazakh_day
        _run_segments.cache_clear()
        _run_segments_in_context.cache_clear()
    if _scanner_is_clean(text) if _USE_SCANNER else is_clean(text):
        subject = text
        collector = _Collector(text, None)
    else:
        normalised = normalise_unclean(text)
        subject = normalised.text
        collector = _Collector(text, None if normalised.is_identity else normalised)
    matchers = _MATCHERS
    handlers = _HANDLERS
    word_breaks = _WORD_BREAKS
    letters_and_digits = _ASCII_LETTERS_AND_DIGITS
    position = 0
    # Compiled, every trigger is found in one pass first (whether a character is a trigger
    # depends only on its neighbours, not on where the loop stands), and those inside a
    # candidate already taken are passed over. Otherwise each search starts at the position.
    # A trigger is tried again when a candidate found before it ended before it (``TXYZ…,8 701
    # …``: not a wallet, then a phone that starts at the trigger).
    triggers = _scanner_trigger_positions(subject) if _USE_SCANNER else None
    scan = _SCAN.search
    index = 0
    while True:
        if triggers is not None:
            while index < len(triggers) and triggers[index] < position:
                index += 1
            if index == len(triggers):
                break
            trigger_position = triggers[index]
        else:
            trigger = scan(subject, position)
            if trigger is None:
                break
            if trigger.lastgroup is not None:
                position = trigger.end()
                continue
            trigger_position = trigger.start()
        low = position if position > trigger_position - _LOOKBACK else trigger_position - _LOOKBACK
        position = trigger_position + 1
        character = subject[trigger_position]
        if trigger_position == low or (
            subject[trigger_position - 1] in word_breaks
            and subject[trigger_position - 2 : trigger_position - 1] not in _MASK_CHARACTERS
        ):
            if (
                trigger_position - 3 >= low
                and subject[trigger_position - 1] == " "
                and (
                    subject[trigger_position - 2] in _IBAN_COUNTRY_LETTERS
                    or subject[trigger_position - 2] in _COUNTRY_APART
                )
                and (country_end := _country_end_before(subject, trigger_position - 1, low)) >= 0
                and (handled := _spaced_iban(collector, subject, country_end - 2))
            ):
                position = handled if handled > position else position
                continue
            # The common case: a number or handle that starts its word. Compiled, the number
            # runs that the pattern's "fastnumber" branch would take are found in C.
            if _USE_SCANNER and "0" <= character <= "9":
                run_end = _scanner_number_run_end(subject, trigger_position)
                if run_end >= 0:
                    handled = _number_run(collector, subject, trigger_position, run_end)
                    position = handled if handled > position else position
                    continue
            matcher = matchers[character] if character in matchers else _matcher(character)
            match = matcher(subject, trigger_position) if matcher is not None else None
            if match is not None:
                handled = handlers[match.lastgroup or "domain"](collector, match, subject)
                position = handled if handled > position else position
            continue
        start = _word_start(subject, low, trigger_position)
        for candidate_start in range(start, trigger_position + 1):
            if candidate_start and subject[candidate_start - 1] in letters_and_digits:
                continue  # inside a word: no branch can match here, skip the call
            first = subject[candidate_start]
            matcher = matchers[first] if first in matchers else _matcher(first)
            if matcher is None:
                continue
            match = matcher(subject, candidate_start)
            if match is not None:
                handled = handlers[match.lastgroup or "domain"](collector, match, subject)
                position = max(handled, candidate_start + 1)
                break
    if "T" in subject and _TRON_WITHOUT_DIGITS.search(subject) is not None:
        # A TRON address without a single digit has no trigger character (about 1 in 300).
        added = len(collector.results)
        for wallet in _TRON_WITHOUT_DIGITS.finditer(subject):
            _crypto(collector, wallet, subject)
        if len(collector.results) > added:
            collector.results.sort(key=lambda indicator: indicator.start)
    return collector.results
