"""The candidate patterns of the extractor: one named branch per indicator shape.

``extract`` finds a trigger character, then tries only the branches that can start at the
candidate's first character (``_matcher``), compiled once per set of branches. The handlers in
``candidates`` re-match some branches on their own (``_CRYPTO_ONLY``, ``_DOMAIN_ONLY``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Characters that end a URL or path: white space, quotes and brackets people wrap links in.
_URL_BODY = r"[^\s<>\"'«»“”‘’`{}|\\^\[\]]"
_MASK = r"[*xX•●]"
_BASE58 = r"[1-9A-HJ-NP-Za-km-z]"
# Upper-case Cyrillic and Greek letters that pass for Latin in an IBAN's country code.
_IBAN_LETTER = r"[A-Za-zАВЕКМНОРСТХΑΒΕΖΗΙΚΜΝΟΡΤΥΧ]"


def _combining_marks() -> str:
    """A character class body of every combining mark (categories Mn, Mc, Me).

    ``\\w`` leaves them out, yet scripts need them inside a word (Thai and Devanagari vowel
    signs) and Latin may carry one (``cafe`` + U+0301): a label must not end at one.
    """
    ranges: list[tuple[int, int]] = []
    # Marks live in planes 0 and 1 and among the variation selectors of plane 14.
    for code in (*range(0x300, 0x20000), *range(0xE0100, 0xE01F0)):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(
        re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else "")
        for first, last in ranges
    )


_MARKS = _combining_marks()
# A domain label: Unicode letters, digits and combining marks (IDN look-alikes must be seen),
# possessive so a plain word is rejected in one scan instead of being backtracked character by
# character.
_LABEL = r"[^\W_][\w\-" + _MARKS + r"]{0,62}+"
_TLD = r"(?:(?:[^\W\d_]|[" + _MARKS + r"]){2,63}+|xn--[a-z0-9-]{1,59}+)"

# Digit runs with the separators people put in phones and cards; split by ``number_runs``.
# The digit groups are possessive: a group cut short is followed by a digit, which nothing accepts.
# The dashes word processors and messengers put between digit groups: hyphen-minus, hyphen,
# non-breaking hyphen, figure dash, en dash, em dash and minus sign (``scanner.DASHES``).
_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"
# A group may also go on on the next line: "8 701" at the end of one, "234 56 78" on the next.
# A last group before "/" and a digit starts a date ("4400 … 6789 12/27"), not the number.
_NUMBER = (
    r"(?<![0-9A-Za-z*])(?:\+[ ]?)?\(?[0-9]++"
    r"(?:(?:[ ." + _DASH + r"]|[ ]?\r?\n|[ ]?\([ ]?|[ ]?\)[ " + _DASH + r"]?|[ ][" + _DASH + r"][ ]"
    r"|[ ]?\)[ ]?)[0-9]++)*(?![0-9A-Za-z]|/[0-9])"
)

# The body of an IBAN after its country and check digits: groups split by one space, two
# spaces, a dash or a dot, or a dot and a space ("KZ86 125K ZT50…", "KZ86-125K-ZT50-…",
# "KZ86.125K.ZT50.…", "0242. 0040"), or going on on the next line, as a copied IBAN wraps in a
# chat or a narrow column. The country may stand apart by a dot or a dash ("NO. 26 8101…",
# "MK-07-210-…"); apart by a space it is read from its check digits (``_SPACED_IBAN``).
_IBAN_SEPARATOR = r"(?:[." + _DASH + r"][ ]?|[ ]{1,2}|[ ]?\r?\n)"
_IBAN_BODY = r"(?:" + _IBAN_SEPARATOR + r"?[A-Za-z0-9]){11,34}"
_IBAN_COUNTRY_APART = r"(?:[." + _DASH + r"][ ]?)?"

_BRANCHES: dict[str, str] = {
    # t.me/name, instagram.com/name (with or without scheme): a handle, not a URL.
    "messenger": r"(?<![\w.@/-])(?:[Hh][Tt][Tt][Pp][Ss]?://)?(?:[Ww]{3}\.)?"
    r"(?:[Tt]\.[Mm][Ee]|[Tt]elegram\.(?:me|dog)|[Ii]nstagram\.com)/(?:s/)?@?[A-Za-z0-9_.]{1,32}",
    # wa.me/77011234567 and api.whatsapp.com/send?phone=…: a phone.
    "whatsapp": r"(?<![\w.@/-])(?:[Hh][Tt][Tt][Pp][Ss]?://)?"
    r"(?:wa\.me/|api\.whatsapp\.com/send/?\?phone=)\+?[0-9]{7,15}",
    # A bracketed IPv6 host ("http://[2001:db8::1]/") is the one place a URL holds brackets.
    "url": r"(?<![A-Za-z0-9])(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp])://"
    r"(?:\[[0-9A-Fa-f:.]{2,45}\]" + _URL_BODY + "*|" + _URL_BODY + "+)",
    "email": r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}+@"
    r"(?:" + _LABEL + r"\.)+" + _TLD + r"(?![\w-])",
    "handle": r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{0,31}+",
    "iban": r"(?<![A-Za-z0-9])"
    + _IBAN_LETTER
    + "{2}"
    + _IBAN_COUNTRY_APART
    + "[0-9]{2}"
    + _IBAN_BODY,
    "crypto": r"(?<![A-Za-z0-9])(?:0x[0-9a-fA-F]{40}|(?:bc1|BC1)[0-9A-Za-z]{11,71}"
    r"|T" + _BASE58 + r"{33}|[13](?=[1-9]*[A-HJ-NP-Za-km-z])" + _BASE58 + r"{25,34})"
    r"(?![A-Za-z0-9])",
    "ipv4": r"(?<![0-9A-Za-z.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])",
    "ipv6": r"(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){7})"
    r"[0-9A-Fa-f:]{2,39}(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3})?(?![0-9A-Za-z:]|\.[0-9])",
    "partial": r"(?<![0-9A-Za-z*])(?=[0-9 \-]{0,10}+"
    + _MASK
    + r")(?:[0-9]|"
    + _MASK
    + r")(?:[ \-]?(?:[0-9]|"
    + _MASK
    + r")){12,22}(?![0-9A-Za-z*])",
    "number": _NUMBER,
    # The same number run, tried first when no other branch can match at a digit: its first
    # group of digits ends at a space, a bracket, sentence punctuation or the end (every
    # other branch needs a letter, ".", "@", ":" or "-" there) and no mask follows it.
    "fastnumber": r"(?=[0-9]++(?:[ (),;!?]|\Z))(?![0-9 \-]{0,10}+" + _MASK + ")" + _NUMBER,
    "domain": r"(?<![\w@.\-/])(?:" + _LABEL + r"\.)+" + _TLD + r"(?![\w-])"
    r"(?:(?::[0-9]{1,5})?/" + _URL_BODY + "*)?",
}

# Which branches can start at a given first character, in priority order. Trying only these
# (instead of the whole alternation) is what keeps a candidate check near one microsecond.
_ORDER = ("fastnumber", "messenger", "whatsapp", "url", "email", "handle", "iban", "crypto",
          "ipv4", "ipv6", "partial", "number", "domain")  # fmt: skip


def _compile(names: set[str]) -> re.Pattern[str] | None:
    chosen = [name for name in _ORDER if name in names]
    if not chosen:
        return None
    return re.compile("|".join(f"(?P<{name}>{_BRANCHES[name]})" for name in chosen))


def _branches_for(character: str) -> set[str]:
    if "0" <= character <= "9":
        return {"fastnumber", "email", "crypto", "ipv4", "ipv6", "partial", "number", "domain"}
    if character in "+(":
        return {"number"}
    if character == "@":
        return {"handle"}
    if character in "*•●":
        return {"partial"}
    if character == ":":
        return {"ipv6"}
    if character.isascii() and character.isalpha():
        names = {"messenger", "whatsapp", "url", "email", "iban", "crypto", "domain"}
        if character in "abcdefABCDEF":
            names.add("ipv6")
        if character in "xX":
            names.add("partial")
        return names
    if character.isalnum():
        return {"iban", "domain"}
    return set()


_MATCHERS: dict[str, Callable[[str, int], re.Match[str] | None] | None] = {}
_PATTERN_CACHE: dict[frozenset[str], re.Pattern[str] | None] = {}


def _matcher(character: str) -> Callable[[str, int], re.Match[str] | None] | None:
    """The ``match`` method of the pattern for candidates starting with ``character``."""
    names = frozenset(_branches_for(character))
    if names not in _PATTERN_CACHE:
        _PATTERN_CACHE[names] = _compile(set(names))
    pattern = _PATTERN_CACHE[names]
    matcher = pattern.match if pattern is not None else None
    if len(_MATCHERS) < 65536:
        _MATCHERS[character] = matcher
    return matcher


# "KZ 08 722 S315027384019": an IBAN whose country code is written as a word of its own. Its
# first trigger is the check digits' word, so the loop tries this when two letters and a space
# (or two letters, a dot or dash, and a space) come right before a word-starting digit.
# "NO. 26 8101 12 42901": the same with a dot or dash before the space.
_SPACED_IBAN = re.compile(
    r"(?<![A-Za-z0-9])" + _IBAN_LETTER + r"{2}[." + _DASH + r"]? [0-9]{2}" + _IBAN_BODY
)
_IBAN_COUNTRY_LETTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzАВЕКМНОРСТХΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"
)


_CRYPTO_ONLY = re.compile(_BRANCHES["crypto"])
_DOMAIN_ONLY = re.compile(_BRANCHES["domain"])
_TRON_WITHOUT_DIGITS = re.compile(r"T(?<![A-Za-z0-9]T)[A-HJ-NP-Za-km-z]{33}(?![A-Za-z0-9])")
