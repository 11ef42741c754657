"""Text normalisation before matching, with a map back to the caller's offsets.

Matching runs on a normalised copy of the input so that the candidate patterns can stay
ASCII-only: fullwidth and other compatibility forms are folded with NFKC (per character, so a
fold never reaches across two characters), non-ASCII decimal digits become ASCII digits,
invisible format characters (zero-width space, soft hyphen, bidi controls) are removed, exotic
spaces become a plain space, and defanged notation (``hxxp``, ``[.]``, ``[at]``) is refanged.
Every output character remembers which input characters it came from, so indicators report
``start``/``end``/``raw`` in terms of the original text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

__all__ = [
    "HOST_JOINERS",
    "NormalisedText",
    "is_clean",
    "normalise",
    "normalise_for_host",
    "normalise_unclean",
    "safe_characters",
]

# Defanged notation as analysts and CERT bulletins write it. Matched case-insensitively; the
# replacement is what the fang would have been. Only searched for when a cheap substring test
# says one might be present, so clean text pays nothing for it.
_REFANG_REPLACEMENTS: dict[str, str] = {
    "[.]": ".",
    "(.)": ".",
    "{.}": ".",
    "[dot]": ".",
    "(dot)": ".",
    "{dot}": ".",
    "[at]": "@",
    "(at)": "@",
    "{at}": "@",
    "[@]": "@",
    "(@)": "@",
    "{@}": "@",
    "[:]": ":",
    "[://]": "://",
    "[/]": "/",
    "hxxp": "http",
    "hxxps": "https",
    "hxtp": "http",
    "hxtps": "https",
    "meow": "http",
}
# "help [at] mail [dot] ru": the spaces around a bracketed at/dot belong to the defanging.
_REFANG_PATTERN = (
    r"[ ]?\[(?:\.|dot|at|@)\][ ]?|[ ]?\((?:dot|at|@)\)[ ]?|[ ]?\{(?:dot|at|@)\}[ ]?"
    r"|\[(?::|://|/)\]|\(\.\)|\{\.\}"
    r"|\bh(?:xx|xt)ps?(?=\[?:)|\bmeow(?=://)"
)

# Characters that are dropped: format controls (category Cf) such as U+200B zero-width space,
# U+200D joiner, U+00AD soft hyphen, U+FEFF byte-order mark and the bidi overrides/isolates.
# Dropping them is what a human reader does; when one sat inside an indicator the indicator is
# flagged suspicious, because nobody types one by accident.
_FULL_STOPS = {"\u3002": ".", "\uff61": ".", "\uff0e": "."}


# Compatibility characters whose NFKC form helps no indicator and would only cost a rewrite:
# "№" (→ "No") precedes order numbers, "…" ends sentences, "™" follows brand names.
_KEPT_AS_IS = frozenset("№…™")


@cache
def _is_unsafe(character: str) -> bool:
    """Whether the normaliser must rewrite this character (answer cached per character)."""
    if character in _KEPT_AS_IS:
        return False
    category = unicodedata.category(character)
    return (
        (
            category in ("Cf", "Zs", "Zl", "Zp", "Nd")
            or character in _FULL_STOPS
            or unicodedata.normalize("NFKC", character) != character
        )
        and character not in " \t\n\r"
        and not ("0" <= character <= "9")
    )


# The same forms as ``_REFANG_PATTERN`` after their first character (a space, a bracket, an h
# or an m), which the rewrite pattern below consumes in one leading character class.
_REFANG_AFTER_FIRST_CHARACTER = (
    r"(?<=[ ])(?:\[(?:\.|dot|at|@)\]|\((?:dot|at|@)\)|\{(?:dot|at|@)\})[ ]?"
    r"|(?<=\[)(?:(?:\.|dot|at|@)\][ ]?|(?::|://|/)\])"
    r"|(?<=\()(?:(?:dot|at|@)\)[ ]?|\.\))"
    r"|(?<=\{)(?:(?:dot|at|@)\}[ ]?|\.\})"
    r"|(?<=[hH])(?<!\w[hH])(?:xx|xt)ps?(?=\[?:)"
    r"|(?<=[mM])(?<!\w[mM])eow(?=://)"
)


@lru_cache(maxsize=256)
def _rewrite_pattern(unsafe_characters: tuple[str, ...]) -> re.Pattern[str]:
    """Defanged forms (group ``refang``) and the given unsafe characters, left to right.

    Every match starts with one character class, so the engine skips in C to the next
    candidate character instead of trying every alternative at every position (a test checks
    it against the plain ``_REFANG_PATTERN``). Case-insensitive for the defanged words only:
    the character class must not case-fold (U+212A KELVIN SIGN would match every Latin "k").
    """
    unsafe = "".join(re.escape(character) for character in unsafe_characters)
    refang = f"(?P<refang>(?i:{_REFANG_AFTER_FIRST_CHARACTER}))"
    if not unsafe:
        return re.compile(r"[ \[({hHmM]" + refang)
    return re.compile(r"[ \[({hHmM" + unsafe + "](?:" + refang + "|(?<=[" + unsafe + "]))")


@dataclass(slots=True)
class NormalisedText:
    """The normalised text and how to map its offsets back to the original.

    ``segments`` holds one tuple per stretch of output: (normalised start, original start,
    original length, is_copy). A copied stretch maps character for character; a rewritten one
    maps every output character to the whole original stretch it replaced.
    """

    text: str
    original: str
    segments: tuple[tuple[int, int, int, bool], ...] = ()
    segment_starts: tuple[int, ...] = ()
    folded_positions: tuple[int, ...] = ()
    removed_positions: tuple[int, ...] = ()
    is_identity: bool = field(default=True)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of the normalised [start, end) (end > start)."""
        if self.is_identity:
            return start, end
        first = self.segments[bisect.bisect_right(self.segment_starts, start) - 1]
        last = self.segments[bisect.bisect_right(self.segment_starts, end - 1) - 1]
        original_start = first[1] + (start - first[0]) if first[3] else first[1]
        original_end = last[1] + (end - 1 - last[0]) + 1 if last[3] else last[1] + last[2]
        return original_start, original_end

    def is_tampered(self, start: int, end: int) -> bool:
        """Whether a letter or digit in [start, end) was folded, or an invisible removed."""
        if self.is_identity:
            return False
        folded = self.folded_positions
        index = bisect.bisect_left(folded, start)
        if index < len(folded) and folded[index] < end:
            return True
        removed = self.removed_positions
        index = bisect.bisect_right(removed, start)
        return index < len(removed) and removed[index] < end


# Whether a text holds any defanged form, split in two for speed. The optional spaces around
# the bracketed forms in ``_REFANG_PATTERN`` cannot decide whether a form is present, so the
# bracket pattern leaves them out; it is then an alternation of literal first characters, which
# the regular expression engine skips to in C instead of trying the whole pattern at every
# position. The scheme forms (hxxp, meow) all need a colon, a cheap substring test.
_BRACKET_DEFANG_SEARCH = re.compile(
    r"\[(?:\.|dot|at|@|:|://|/)\]|\((?:\.|dot|at|@)\)|\{(?:\.|dot|at|@)\}", re.IGNORECASE
)
_SCHEME_DEFANG_SEARCH = re.compile(r"\bh(?:xx|xt)ps?(?=\[?:)|\bmeow(?=://)", re.IGNORECASE)


# Characters already seen and found safe; the set difference against it runs in C.
_KNOWN_SAFE: set[str] = set()


@cache
def _common_safe_characters() -> str:
    """The non-ASCII characters usual in our texts that ``normalise`` never rewrites.

    Most Russian, Kazakh and English text is ASCII, Cyrillic (Kazakh letters included) and a
    little typography. Every character is checked against ``_is_unsafe`` here, so a character
    class built from them cannot be wrong.
    """
    candidates = [chr(code) for code in range(0x80, 0x500)] + list("«»–—‘’‚“”„•…№₸€₽")
    return "".join(sorted(character for character in candidates if not _is_unsafe(character)))


@cache
def _outside_common_safe() -> re.Pattern[str]:
    """A pattern for the first character outside ASCII and the usual safe set of our texts.

    A negated character class is scanned by the regular expression engine in C, far faster
    than a per-character set test.
    """
    return re.compile("[^\x00-\x7f" + re.escape(_common_safe_characters()) + "]")


# The characters that every defanged form contains: its bracket, or the colon after the scheme.
_DEFANG_MARKS = "[({:"


@cache
def safe_characters() -> str:
    """The characters a clean text is made of: ASCII but the brackets and colon that defanged
    forms need (``[({:``), and the usual safe non-ASCII characters of our texts."""
    safe_ascii = "".join(chr(code) for code in range(0x80) if chr(code) not in _DEFANG_MARKS)
    return safe_ascii + _common_safe_characters()


@cache
def _needs_rewrite() -> re.Pattern[str]:
    """A pattern found in every text that ``normalise`` may have to rewrite.

    One search settles the common case of clean text instead of the unsafe-character and the
    defanging checks one after the other. It finds a character outside ASCII and the usual safe
    set, or a defanged form (what ``_has_defanging`` searches for). A single leading character
    class keeps the engine's C scan: the class is every character that is not safe plus the
    brackets and the colon, and look-arounds then check for a defanged form around those (the
    scheme forms end in a colon: ``hxxps:``, ``hxxp[:``, ``meow://``). Finding something only
    means that the full checks run; they decide.
    """
    scheme = r"(?<!\w)[hH](?i:xx|xt)[pP]"
    return re.compile(
        "[^" + re.escape(safe_characters()) + "]"
        r"(?:(?<![\[({:])"
        r"|(?<=\[)(?i:\.|dot|at|@|:|://|/)\]"
        r"|(?<=\()(?i:\.|dot|at|@)\)"
        r"|(?<=\{)(?i:\.|dot|at|@)\}"
        rf"|(?<={scheme}:)|(?<={scheme}[sS]:)|(?<={scheme}\[:)|(?<={scheme}[sS]\[:)"
        r"|(?<=(?<!\w)(?i:meow):)(?=//))"
    )


def _unsafe_characters(text: str) -> tuple[str, ...]:
    # set() walks the text once in C; the per-character verdicts are cached, so a clean
    # Cyrillic text costs one pass and a few hundred dictionary look-ups.
    if text.isascii() or _outside_common_safe().search(text) is None:
        return ()
    if _KNOWN_SAFE.issuperset(text):
        return ()
    unseen = set(text) - _KNOWN_SAFE
    if not unseen:
        return ()
    unsafe = tuple(sorted(character for character in unseen if _is_unsafe(character)))
    if len(_KNOWN_SAFE) < 100_000:
        _KNOWN_SAFE.update(character for character in unseen if not _is_unsafe(character))
    return unsafe


def _has_defanging(text: str) -> bool:
    # Cheap substring tests first: every defanged form contains one of these.
    if not ("[" in text or "(" in text or "{" in text or "xx" in text or "XX" in text
            or "xt" in text or "meow" in text):  # fmt: skip
        return False
    return _BRACKET_DEFANG_SEARCH.search(text) is not None or (
        ":" in text and _SCHEME_DEFANG_SEARCH.search(text) is not None
    )


def _fold_character(character: str) -> tuple[str, bool]:
    """The replacement of one unsafe character and whether it was a letter/digit fold."""
    if character in _FULL_STOPS:
        return _FULL_STOPS[character], False
    category = unicodedata.category(character)
    if category == "Cf":
        return "", False
    if category in ("Zs", "Zl", "Zp"):
        return " ", False
    if category == "Nd":
        return str(unicodedata.digit(character)), True
    folded = unicodedata.normalize("NFKC", character)
    # A fold is only a red flag when it produced a letter or digit: a fullwidth plus or an
    # ideographic full stop is how some keyboards type, a fullwidth digit is how filters are
    # evaded.
    return folded, any(part.isascii() and part.isalnum() for part in folded)


def is_clean(text: str) -> bool:
    """Whether ``normalise`` returns ``text`` unchanged (one search; the common case)."""
    return _needs_rewrite().search(text) is None


def normalise(text: str) -> NormalisedText:
    """Normalise ``text`` for matching; clean text is returned without copying."""
    if is_clean(text):
        return NormalisedText(text=text, original=text)
    return normalise_unclean(text)


def normalise_unclean(text: str) -> NormalisedText:
    """``normalise`` for a text that ``is_clean`` refused (it may still need no rewrite)."""
    unsafe_characters = _unsafe_characters(text)
    if not unsafe_characters and not _has_defanging(text):
        return NormalisedText(text=text, original=text)
    pieces: list[str] = []
    segments: list[tuple[int, int, int, bool]] = []
    folded_positions: list[int] = []
    removed_positions: list[int] = []
    output_length = 0
    last = 0
    for match in _rewrite_pattern(unsafe_characters).finditer(text):
        position = match.start()
        if position > last:
            segments.append((output_length, last, position - last, True))
            pieces.append(text[last:position])
            output_length += position - last
        token = match.group()
        if match.group("refang") is not None:
            replacement = _REFANG_REPLACEMENTS[token.strip().lower()]
            is_fold = False
        else:
            replacement, is_fold = _fold_character(token)
        if replacement:
            segments.append((output_length, position, len(token), False))
            pieces.append(replacement)
            if is_fold:
                folded_positions.extend(range(output_length, output_length + len(replacement)))
            output_length += len(replacement)
        else:
            removed_positions.append(output_length)
        last = match.end()
    if last < len(text) or not segments:
        segments.append((output_length, last, len(text) - last, True))
        pieces.append(text[last:])
    return NormalisedText(
        text="".join(pieces),
        original=text,
        segments=tuple(segments),
        segment_starts=tuple(segment[0] for segment in segments),
        folded_positions=tuple(folded_positions),
        removed_positions=tuple(removed_positions),
        is_identity=False,
    )


# Zero-width non-joiner and joiner: IDNA 2008 allows them in a host name where a script needs
# them (after a virama, in Persian words), and a host with one is another registration.
HOST_JOINERS = "\u200c\u200d"


def _kept_in_hosts(character: str) -> bool:
    """Characters a host keeps as written, for UTS 46 to map: joiners and non-ASCII digits
    make a different registration than their fold, and a compatibility letter, mark or
    number is mapped by UTS 46, not by NFKC (U+03F2 ϲ is σ in a host, NFKC makes it ς)."""
    return character in HOST_JOINERS or unicodedata.category(character)[0] in "LMN"


def normalise_for_host(text: str) -> str:
    """``normalise(text).text`` but keeping non-ASCII digits, joiners and compatibility
    letters as written.

    For the text of a host name (or a URL or e-mail address holding one): ``ha۱ykbank.kz``
    with an Extended Arabic-Indic one is a different domain from ``ha1ykbank.kz``, and
    deleting a joiner may turn a valid IDN into another. IDNA decides what they mean.
    """
    unsafe_characters = tuple(
        character for character in _unsafe_characters(text) if not _kept_in_hosts(character)
    )
    if not unsafe_characters and not _has_defanging(text):
        return text
    pieces: list[str] = []
    last = 0
    for match in _rewrite_pattern(unsafe_characters).finditer(text):
        pieces.append(text[last : match.start()])
        token = match.group()
        if match.group("refang") is not None:
            pieces.append(_REFANG_REPLACEMENTS[token.strip().lower()])
        else:
            pieces.append(_fold_character(token)[0])
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)
