"""Runs of digit groups (``8 (701) 123-45-67``, ``4400 4301 …``) split into phones, cards,
IIN/BIN and IMEIs: each run's answer depends only on the run (and, for a grouped 15-digit IMEI
candidate, on the words before it), so it is computed once per distinct run and cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kuzet.indicators.identifiers import (
    Validated,
    validate_bin,
    validate_card,
    validate_iin,
    validate_imei,
    validate_phone_digits,
)
from kuzet.indicators.model import IndicatorType, InvalidIndicator

_DIGITS = re.compile(r"[0-9]+")
_IMEI_CONTEXT = re.compile(r"(?i)imei|имей|имеи")
# GSMA reporting-body identifiers that begin every IMEI; anything else is not an IMEI.
_IMEI_REPORTING_BODIES = frozenset(
    {"01", "10", "30", "33", "35", "44", "45", "49", "50", "51", "52", "53", "54", "86", "91",
     "98", "99"}
)  # fmt: skip


# Validation results are cached per candidate string: every validator is a pure function of
# its candidate (IIN's "not born in the future" also of today's date: the caches are emptied
# when the Kazakh date changes, see ``extract``), and real traffic repeats the same phones,
# cards, hosts and wallets constantly. A hit skips the checksums, the registry look-ups and the
# look-alike search. The cached ``Validated`` objects are shared between indicators, which
# only ever expose their details through a read-only ``MappingProxyType``.
_CACHE_SIZE = 16384


def _is_card_grouping(lengths: list[int]) -> bool:
    """4-4-4-4(-1..3) as printed on cards, or Amex/Diners 4-6-5 and 4-6-4."""
    if len(lengths) == 1:
        return True
    if lengths[:-1] == [4] * (len(lengths) - 1) and 1 <= lengths[-1] <= 4:
        return True
    return lengths in ([4, 6, 5], [4, 6, 4])


def _is_phone_grouping(lengths: list[int], total: int) -> bool:
    """Whether digit groups read as a +7 phone of ``total`` digits (11 with 7 or 8 first).

    The first group is the trunk or country prefix alone (``8 701…``, ``+7 701…``), the
    prefix with a 3 to 5-digit area code (``8701…``, ``87172…``), or the whole number; for
    10 digits, an area code of 3 to 5 digits or the whole. A prefix glued to part of an area
    code is another number: ``8 747 123 45 678`` is no +7 471…, ``7 000 000 000`` (an
    amount) no +7 700…, ``87 012 345 678`` no +7 701….
    """
    first = lengths[0]
    if first >= total:
        return True
    if total == 11:
        return first == 1 or 4 <= first <= 6
    return 3 <= first <= 5


class _NeedsContext(Exception):
    """The run's answer depends on the words before it (an IMEI keyword), which were not given."""


def _number_candidate(
    digits: str,
    lengths: list[int],
    *,
    international: bool,
    context: str | None,
    at_run_start: bool = True,
    whole_run: bool = True,
) -> tuple[IndicatorType, Validated] | None:
    """``context`` is the text up to the candidate's first digit (its last 30 characters are
    searched for an IMEI keyword), or None to raise ``_NeedsContext`` when it would be read.

    A card printed in more than four groups (``4400 4301 2345 6789 12``) is only a card when
    its groups are the whole run (``whole_run``): otherwise its last group is the start of
    the next number, an expiry date or a CVV.
    """
    total = len(digits)
    try:
        if international:
            if digits[0] == "7" and not _is_phone_grouping(lengths, 11):
                return None
            return IndicatorType.PHONE, validate_phone_digits(digits, international=True)
        if total in (10, 11):
            if digits.startswith("00") or not _is_phone_grouping(lengths, total):
                return None
            return IndicatorType.PHONE, validate_phone_digits(digits, international=False)
        if digits.startswith("00") and at_run_start and 12 <= total <= 17 and lengths[0] <= 4:
            return IndicatorType.PHONE, validate_phone_digits(digits[2:], international=True)
        if total == 12 and len(lengths) == 1:
            if digits[4] in "456":
                return IndicatorType.BIN, validate_bin(digits)
            return IndicatorType.IIN, validate_iin(digits)
        if total == 15 and digits[:2] in _IMEI_REPORTING_BODIES:
            is_imei = len(lengths) == 1 and digits[:2] not in ("34", "37")
            if not is_imei:
                if context is None:
                    raise _NeedsContext
                is_imei = _IMEI_CONTEXT.search(context, max(0, len(context) - 30)) is not None
            if is_imei:
                return IndicatorType.IMEI, validate_imei(digits)
        if 13 <= total <= 19 and _is_card_grouping(lengths) and (whole_run or len(lengths) <= 4):
            return IndicatorType.CARD, validate_card(digits)
    except InvalidIndicator:
        return None
    return None


# (type, validated value, start, end) of each indicator in a number run, offsets into the run.
_Segments = tuple[tuple[IndicatorType, Validated, int, int], ...]


def _segment_run(run: str, context: str | None) -> _Segments:
    """The indicators in one run of digit groups (``8 (701) 123-45-67``, ``4400 4301 …``).

    Depends only on the run and, for 15-digit IMEI candidates, on ``context`` (the text before
    the run); raises ``_NeedsContext`` when that is needed and None was given.
    """
    if run.isdigit():
        # One unbroken group of digits, the most common shape: no segmentation needed.
        found = _number_candidate(run, [len(run)], international=False, context=context)
        return () if found is None else ((found[0], found[1], 0, len(run)),)
    groups = [(found.start(), found.end()) for found in _DIGITS.finditer(run)]
    has_plus = run[0] == "+"
    count = len(groups)
    all_lengths = [end - start for start, end in groups]
    # A run printed like a card (4-4-4-4) that is not a valid card is a mistyped or fake card:
    # its middle groups are not a phone, and "0064 …" inside it is not an international prefix.
    card_shaped = count >= 3 and _is_card_grouping(all_lengths)
    segments: list[tuple[IndicatorType, Validated, int, int]] = []
    index = 0
    while index < count:
        if index > 0 and card_shaped:
            break
        best: tuple[IndicatorType, Validated, int] | None = None
        total = 0
        for last in range(index, min(count, index + 9)):
            total += groups[last][1] - groups[last][0]
            if total > 19:
                break
            if total < 10:
                continue
            lengths = all_lengths[index : last + 1]
            digits = "".join(run[start:end] for start, end in groups[index : last + 1])
            candidate_start = groups[index][0]
            candidate = _number_candidate(
                digits,
                lengths,
                international=has_plus and index == 0,
                context=None if context is None else context + run[:candidate_start],
                at_run_start=index == 0,
                # A CVV after the card (4-4-4-4-3) never joins it.
                whole_run=index == 0 and last == count - 1 and all_lengths[-1] != 3,
            )
            if candidate is None:
                continue
            if (
                candidate[0] is IndicatorType.CARD
                and last == count - 2
                and all_lengths[-1] != 3
                and len(lengths) > 1
            ):
                # "4471 2356 8890 1234 5": one more group than a card, and no CVV: a number
                # of 17 digits (an application number), not a card and a stray digit.
                continue
            # A 16-digit card followed by three more digits is a card and its CVV far more
            # often than a 19-digit card: keep the 16 and never the CVV.
            if best is not None and best[0] is IndicatorType.CARD and len(best[1].value) == 16:
                continue
            best = (candidate[0], candidate[1], last)
        if best is None:
            index += 1
            continue
        kind, validated, last = best
        start = 0 if (has_plus and index == 0) else groups[index][0]
        segments.append((kind, validated, start, groups[last][1]))
        index = last + 1
    return tuple(segments)


@lru_cache(maxsize=_CACHE_SIZE)
def _run_segments(run: str) -> _Segments | None:
    """``_segment_run`` for runs whose answer does not depend on the text before them; None
    for the rare runs (15 digits in groups) that need an IMEI keyword check."""
    try:
        return _segment_run(run, None)
    except _NeedsContext:
        return None


@lru_cache(maxsize=1024)
def _run_segments_in_context(run: str, context: str) -> _Segments:
    return _segment_run(run, context)
