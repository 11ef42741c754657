"""Character-by-character scans of a whole text, for the compiled build.

Two questions are asked of every text before any candidate is tried: does ``normalise`` have
to rewrite it (``is_clean``), and where are the trigger characters the extractor starts from
(``trigger_positions``)? The regular expressions that answer them (``normalise.needs_rewrite``
and ``extract._SCAN``) cost about 80 processor cycles per character in the engine's generic
character-class loop, a quarter of the extractor's time. These loops answer the same questions
in a few cycles per character once compiled by Cython (``scripts/build_native.py``, with the
types in ``scanner.pxd``); as plain Python they are far slower than the regular expressions, so
the extractor only uses them compiled (``COMPILED``). Tests hold both to the regular
expressions' answers on generated texts.
"""

from __future__ import annotations

from types import FunctionType

from kuzet.indicators.normalise import safe_characters

__all__ = ["COMPILED", "DASHES", "is_clean", "number_run_end", "trigger_positions"]


def _probe() -> None:
    """A function whose type tells whether this module was compiled."""


COMPILED = not isinstance(_probe, FunctionType)


def _safe_flags() -> str:
    """``"1"`` at the code point of every character of ``safe_characters()``, else ``"0"``.

    A string, not a set: indexing a string by code point compiles to one memory read, where a
    set look-up needs a string object per character. Every safe character lies below U+2200.
    """
    safe = safe_characters()
    size = max(map(ord, safe)) + 1
    flags = ["0"] * size
    for character in safe:
        flags[ord(character)] = "1"
    return "".join(flags)


_SAFE_FLAGS = _safe_flags()


def _is_word_character(character: str) -> bool:
    """What ``\\w`` matches: letters, digits and the underscore."""
    return character.isalnum() or character == "_"


# What may follow each bracket in a defanged form (``[.]``, ``(dot)``, ``{at}``, ``[://]``…),
# as ``normalise.needs_rewrite`` accepts them, case aside.
_BRACKET_FORMS = {
    "[": ("]", (".", "dot", "at", "@", ":", "://", "/")),
    "(": (")", (".", "dot", "at", "@")),
    "{": ("}", (".", "dot", "at", "@")),
}


_FORM_STARTS = frozenset(".dDaA@:/")


def _opens_defanged_form(text: str, index: int) -> bool:
    """Whether the bracket at ``index`` opens a defanged form."""
    closing, insides = _BRACKET_FORMS[text[index]]
    # No character outside ASCII lower-cases to one of these letters, nor does (?i) fold one.
    rest = text[index + 1 : index + 6].lower()
    return any(rest.startswith(inside + closing) for inside in insides)


def _starts_defanged_scheme(text: str, start: int) -> bool:
    """Whether ``hxxp`` or ``hxtp`` (x and t in any case) starts a word at ``start``."""
    return (
        start >= 0
        and text[start] in "hH"
        and text[start + 1] in "xX"
        and text[start + 2] in "xXtT"
        and text[start + 3] in "pP"
        and (start == 0 or not _is_word_character(text[start - 1]))
    )


def _ends_defanged_scheme(text: str, index: int) -> bool:
    """Whether the colon at ``index`` ends ``hxxp``/``hxtp`` (optionally ``s``, optionally
    ``[``) or ``meow`` before ``//``, starting a word, as ``normalise.needs_rewrite`` sees it."""
    end = index - 1 if index >= 1 and text[index - 1] == "[" else index
    if _starts_defanged_scheme(text, end - 4):
        return True
    # "hxxps:" ends its scheme a letter later than "hxxp:".
    if end >= 1 and text[end - 1] in "sS" and _starts_defanged_scheme(text, end - 5):
        return True
    start = index - 4
    return (
        start >= 0
        and text[start:index].lower() == "meow"
        and text[index + 1 : index + 3] == "//"
        and (start == 0 or not _is_word_character(text[start - 1]))
    )


def is_clean(text: str) -> bool:
    """``normalise.is_clean``: no character outside the safe set and no defanged form."""
    flags = _SAFE_FLAGS
    size = len(flags)
    # Compiled, ``enumerate`` over a string is a C loop over its buffer.
    for index, character in enumerate(text):
        if character < "\x80":
            # Every ASCII character is safe but a bracket or colon, and one of those only
            # matters as part of a defanged form.
            if character == "[" or character == "(" or character == "{":
                # Every form goes on with one of these: most brackets are let go here.
                if text[index + 1 : index + 2] in _FORM_STARTS and _opens_defanged_form(
                    text, index
                ):
                    return False
            elif character == ":" and _ends_defanged_scheme(text, index):
                return False
            continue
        code = ord(character)
        if code >= size or flags[code] != "1":
            return False
    return True


# A dot or colon before one of these (or at the end) ends a sentence or label: no trigger.
_NOT_AFTER = " \n\t\r,;!?)\"'»"


def trigger_positions(text: str) -> list[int]:
    """Where ``extract._SCAN`` finds a trigger that is not a ``skip`` token, in order.

    A trigger is a digit, ``@ . : / * • ● +``; none right after an ASCII digit; a dot or colon
    not before white space, the end, or closing punctuation (``, ; ! ? ) " ' »``).
    """
    found: list[int] = []
    length = len(text)
    previous_is_digit = False
    for index, character in enumerate(text):
        is_digit = "0" <= character <= "9"
        if not previous_is_digit and (
            is_digit
            or character in "@/*+•●"
            or (character in ".:" and index + 1 < length and text[index + 1] not in _NOT_AFTER)
        ):
            found.append(index)
        previous_is_digit = is_digit
    return found


def _is_digit(character: str) -> bool:
    return "0" <= character <= "9"


# The dashes of ``extract``'s number separators (hyphen-minus, hyphen, non-breaking hyphen,
# figure dash, en dash, em dash, minus sign).
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_SINGLE_SEPARATORS = " ." + DASHES


def _after_separator(text: str, index: int) -> int:
    """Where the digits after a number-run separator at ``index`` start, or -1.

    The separators of ``extract``'s number pattern, in its order: a space, a dot or a dash; a
    line break with a space before it or not; an opening bracket with a space before or after
    it or both; a closing one, likewise, with a space or dash after it; a dash between spaces.
    At most one of them can be followed by a digit at any place.
    """
    length = len(text)
    character = text[index]
    if character in _SINGLE_SEPARATORS and index + 1 < length and _is_digit(text[index + 1]):
        return index + 1
    line = index + 1 if character == " " else index
    if line + 1 < length and text[line] == "\r" and text[line + 1] == "\n":
        line += 1
    if line < length and text[line] == "\n":
        return line + 1 if line + 1 < length and _is_digit(text[line + 1]) else -1
    bracket = index + 1 if character == " " else index
    if bracket < length and text[bracket] in "()":
        after = bracket + 1
        spaced = after < length and (
            text[after] == " " or (text[bracket] == ")" and text[after] in DASHES)
        )
        if spaced and after + 1 < length and _is_digit(text[after + 1]):
            return after + 1
        if after < length and _is_digit(text[after]):
            return after
        return -1
    if (
        character == " "
        and index + 3 < length
        and text[index + 1] in DASHES
        and text[index + 2] == " "
    ):
        return index + 3 if _is_digit(text[index + 3]) else -1
    return -1


def number_run_end(text: str, start: int) -> int:
    """Where ``extract``'s "fastnumber" candidate starting at ``start`` ends, or -1 when that
    candidate does not apply there (the pattern's other branches must then be tried).

    The run is digit groups joined by the number separators (``8 (701) 123-45-67``). The
    fast path holds when the character before ``start`` is no letter, digit or mask, the first
    group ends at a space, a bracket, sentence punctuation or the end, and no mask follows
    within ten digits, spaces and dashes. The run ends at the last group that is not followed
    by an ASCII letter or digit, nor by a slash and a digit (the date in ``… 6789 12/27``).
    """
    length = len(text)
    if start > 0:
        before = text[start - 1]
        if before == "*" or (before < "\x80" and before.isalnum()):
            return -1
    end = start
    while end < length and _is_digit(text[end]):
        end += 1
    if end == start or (end < length and text[end] not in " (),;!?"):
        return -1
    index = start
    while index < length and index - start < 10 and (_is_digit(text[index]) or text[index] in " -"):
        index += 1
    if index < length and text[index] in "*xX•●":
        return -1
    previous_end = end
    while end < length:
        digits = _after_separator(text, end)
        if digits < 0:
            break
        previous_end = end
        end = digits
        while end < length and _is_digit(text[end]):
            end += 1
    if end < length and (
        (text[end] < "\x80" and text[end].isalnum())
        or (text[end] == "/" and end + 1 < length and _is_digit(text[end + 1]))
    ):
        return previous_end
    return end
