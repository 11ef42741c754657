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
import unicodedata
from collections.abc import Callable
from functools import lru_cache, partial
from types import MappingProxyType
from typing import TypeVar

from kuzet.indicators import scanner
from kuzet.indicators.identifiers import (
    Validated,
    iban_length,
    validate_bin,
    validate_card,
    validate_card_partial,
    validate_iban,
    validate_iin,
    validate_imei,
    validate_phone_digits,
)
from kuzet.indicators.model import Indicator, IndicatorType, InvalidIndicator, new_indicator
from kuzet.indicators.network import (
    AUTHORITY_END,
    validate_crypto_wallet,
    validate_domain,
    validate_email,
    validate_ip,
    validate_messenger_handle,
    validate_url,
    validate_whatsapp_link,
)
from kuzet.indicators.normalise import (
    HOST_JOINERS,
    NormalisedText,
    is_clean,
    normalise_for_host,
    normalise_unclean,
)

__all__ = ["extract"]

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

# Digit runs with the separators people put in phones and cards; split by _number. The digit
# groups are possessive: a group cut short is followed by a digit, which nothing accepts.
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
# spaces, a dash or a dot ("KZ86 125K ZT50…", "KZ86-125K-ZT50-…", "KZ86.125K.ZT50.…").
_IBAN_SEPARATOR = r"(?:[ ]{1,2}|[." + _DASH + r"])"
_IBAN_BODY = r"(?:" + _IBAN_SEPARATOR + r"?[A-Za-z0-9]){11,34}"

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
    "iban": r"(?<![A-Za-z0-9])" + _IBAN_LETTER + "{2}[0-9]{2}" + _IBAN_BODY,
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


_DIGITS = re.compile(r"[0-9]+")
_TRAILING_PUNCTUATION = ".,;:!?)"
# Public suffixes that are also common file extensions: a bare "скрин.zip" is a file name.
_FILE_EXTENSION_SUFFIXES = frozenset({"zip", "mov", "py", "md", "sh", "exe", "jpg", "pdf"})
_INSTAGRAM_CONTEXT = re.compile(r"(?i)инст|insta|\big\b|ig:")
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

# The Kazakh calendar day (UTC+5) the number caches were filled on.
_KAZAKH_UTC_OFFSET_SECONDS = 5 * 3600
_cache_day = [0]


def _cached(validator: Callable[[str], Validated]) -> Callable[[str], Validated | None]:
    """``validator`` with its answers cached per candidate; None for an invalid candidate."""

    @lru_cache(maxsize=_CACHE_SIZE)
    def checked(candidate: str) -> Validated | None:
        try:
            return validator(candidate)
        except InvalidIndicator:
            return None

    return checked


_checked_domain = _cached(validate_domain)
_checked_email = _cached(validate_email)
_checked_ip = _cached(validate_ip)
_checked_crypto_wallet = _cached(validate_crypto_wallet)
_checked_card_partial = _cached(validate_card_partial)
_checked_iban = _cached(validate_iban)
_checked_whatsapp_link = _cached(validate_whatsapp_link)
_checked_handle = _cached(validate_messenger_handle)
_checked_instagram_handle = _cached(
    lambda candidate: validate_messenger_handle(candidate, default_platform="instagram")
)


class _Collector:
    """Appends indicators found in one text, mapping offsets back to the input.

    ``normalised`` is None when the text needed no rewriting, so offsets are the caller's.
    """

    __slots__ = ("normalised", "original", "results")

    def __init__(self, original: str, normalised: NormalisedText | None) -> None:
        self.original = original
        self.normalised = normalised
        self.results: list[Indicator] = []

    def host_text(self, start: int, end: int) -> str | None:
        """The text of [start, end) with non-ASCII digits and joiners as written, when the
        normaliser folded or removed something there (else None: the span is as written)."""
        normalised = self.normalised
        if normalised is None or not normalised.is_tampered(start, end):
            return None
        original_start, original_end = normalised.original_span(start, end)
        return normalise_for_host(self.original[original_start:original_end])

    def add(self, kind: IndicatorType, validated: Validated, start: int, end: int) -> None:
        normalised = self.normalised
        if normalised is None:
            suspicious = validated.suspicious
        else:
            suspicious = validated.suspicious or normalised.is_tampered(start, end)
            start, end = normalised.original_span(start, end)
        self.results.append(
            new_indicator(
                kind,
                validated.value,
                self.original[start:end],
                start,
                end,
                suspicious,
                MappingProxyType(validated.details),
            )
        )


def _trim_url(text: str) -> str:
    """Drop punctuation that ends the sentence rather than the URL (keeping balanced ')').

    One pass from the right: the brackets are counted once, and each ')' dropped updates the
    count, so a URL followed by a million ')' or '.' costs a million steps, not a trillion.
    """
    end = len(text)
    # The brackets are only counted when a ')' is met at the end (most URLs never need it).
    open_count = close_count = -1
    while end and text[end - 1] in _TRAILING_PUNCTUATION:
        if text[end - 1] == ")":
            if close_count < 0:
                open_count = text.count("(", 0, end)
                close_count = text.count(")", 0, end)
            if open_count >= close_count:
                break
            close_count -= 1
        end -= 1
    return text[:end]


# A URL's own indicator, then its host's (domain or IP) with offsets into the URL, if any.
_UrlOutcome = tuple[Validated, tuple[IndicatorType, Validated, int, int] | None]
_Answer = TypeVar("_Answer")


def _host_of(url_text: str, validated: Validated) -> tuple[IndicatorType, Validated, int, int]:
    """The domain or IP address inside a URL, with the host's own offsets into ``url_text``."""
    scheme_end = url_text.find("://") + 3 if "://" in url_text[:20] else 0
    found = AUTHORITY_END.search(url_text, scheme_end)
    authority_end = found.start() if found is not None else len(url_text)
    at = url_text.rfind("@", scheme_end, authority_end)
    host_start = at + 1 if at >= 0 else scheme_end
    host_end = authority_end
    if url_text.startswith("[", host_start):
        host_end = url_text.find("]", host_start) + 1
    else:
        colon = url_text.find(":", host_start, authority_end)
        if colon >= 0:
            host_end = colon
    if validated.details["host_kind"] == "ip":
        address = validate_ip(url_text[host_start:host_end])
        return IndicatorType.IP, address, host_start, host_end
    # The URL validator has already resolved the host: reuse its answer.
    details = validated.details
    domain = Validated(
        str(details["domain"]),
        {"host": details["host"], "lookalike_of": details["lookalike_of"]},
        bool(details.get("mixed_script")),
    )
    return IndicatorType.DOMAIN, domain, host_start, host_end


@lru_cache(maxsize=_CACHE_SIZE)
def _checked_url(url_text: str) -> _UrlOutcome | None:
    return _checked_url_as_written(url_text, url_text)


def _checked_url_as_written(url_text: str, as_written: str) -> _UrlOutcome | None:
    """The URL read from ``as_written``, its host's offsets from ``url_text`` (the same URL
    normalised, whose offsets the extractor maps back to the input)."""
    try:
        validated = validate_url(as_written)
    except InvalidIndicator:
        return None
    try:
        return validated, _host_of(url_text, validated)
    except InvalidIndicator:
        return validated, None


def _as_written(checked: Callable[[str], _Answer | None], text: str) -> _Answer | None:
    """``checked`` on a host's text as written (``Collector.host_text``). A joiner that IDNA
    refuses there was slipped in to dodge a filter: the text is then read without it."""
    answer = checked(text)
    if answer is None and any(joiner in text for joiner in HOST_JOINERS):
        answer = checked(text.replace("\u200c", "").replace("\u200d", ""))
    return answer


def _url(collector: _Collector, match: re.Match[str], text: str) -> int:
    url_text = _trim_url(match.group())
    start = match.start()
    as_written = collector.host_text(start, start + len(url_text))
    if as_written is None or as_written == url_text:
        outcome = _checked_url(url_text)
    else:
        outcome = _as_written(partial(_checked_url_as_written, url_text), as_written)
    if outcome is not None:
        validated, host = outcome
        collector.add(IndicatorType.URL, validated, start, start + len(url_text))
        if host is not None:
            collector.add(host[0], host[1], start + host[2], start + host[3])
    return start + max(len(url_text), 1)


def _domain(collector: _Collector, match: re.Match[str], text: str) -> int:
    candidate = match.group()
    start = match.start()
    slash = candidate.find("/")
    if slash >= 0:
        return _url(collector, match, text)
    host = candidate.split(":", 1)[0]
    if host.rsplit(".", 1)[-1].lower() in _FILE_EXTENSION_SUFFIXES:
        return match.end()
    as_written = collector.host_text(start, start + len(host))
    validated = (
        _checked_domain(host) if as_written is None else _as_written(_checked_domain, as_written)
    )
    if validated is not None:
        collector.add(IndicatorType.DOMAIN, validated, start, start + len(host))
    return match.end()


def _email(collector: _Collector, match: re.Match[str], text: str) -> int:
    as_written = collector.host_text(match.start(), match.end())
    validated = (
        _checked_email(match.group())
        if as_written is None
        else _as_written(_checked_email, as_written)
    )
    if validated is not None:
        collector.add(IndicatorType.EMAIL, validated, match.start(), match.end())
    return match.end()


def _messenger(collector: _Collector, match: re.Match[str], text: str) -> int:
    candidate = match.group().rstrip(".")
    validated = _checked_handle(candidate)
    if validated is not None:
        collector.add(
            IndicatorType.MESSENGER_HANDLE, validated, match.start(), match.start() + len(candidate)
        )
    return match.end()


def _whatsapp(collector: _Collector, match: re.Match[str], text: str) -> int:
    candidate = match.group()
    digits_start = max(candidate.rfind("/"), candidate.rfind("=")) + 1
    validated = _checked_whatsapp_link(candidate[digits_start:])
    if validated is not None:
        collector.add(IndicatorType.PHONE, validated, match.start() + digits_start, match.end())
    return match.end()


def _handle(collector: _Collector, match: re.Match[str], text: str) -> int:
    candidate = match.group().rstrip(".")
    start = match.start()
    context = text[max(0, start - 40) : start]
    if _INSTAGRAM_CONTEXT.search(context):
        validated = _checked_instagram_handle(candidate)
    else:
        validated = _checked_handle(candidate)
    if validated is not None:
        collector.add(IndicatorType.MESSENGER_HANDLE, validated, start, start + len(candidate))
    return match.end()


def _iban(collector: _Collector, match: re.Match[str], text: str) -> int:
    candidate = match.group()
    start = match.start()
    # The pattern is greedy over "KZ86 125K ZT50 …" and may run into the next word; cut the
    # candidate at the country's registry length, and only where a group ends.
    mistyped_end = 0
    length = iban_length(candidate[:2])
    if length is not None:
        compact_length = 0
        end = 0
        for index, character in enumerate(candidate):
            if character.isalnum():
                compact_length += 1
                if compact_length == length:
                    end = index + 1
                    break
        if end and (end == len(candidate) or not candidate[end].isalnum()):
            validated = _checked_iban(candidate[:end])
            if validated is not None:
                collector.add(IndicatorType.IBAN, validated, start, start + end)
                return start + end
            if not candidate[:end].isalnum():
                mistyped_end = start + end
    # Not an IBAN: "TZ93EH…" may still be a TRON wallet, "de12.example.com" a domain.
    wallet = _CRYPTO_ONLY.match(text, start)
    if wallet is not None:
        return _crypto(collector, wallet, text)
    domain = _DOMAIN_ONLY.match(text, start)
    if domain is not None:
        found = len(collector.results)
        handled = _domain(collector, domain, text)
        if len(collector.results) > found:
            return handled
    # Grouped like an IBAN of a known country, at its length, but with a wrong check: a
    # mistyped IBAN, whose digit groups are no phone or card.
    return mistyped_end if mistyped_end else start + 2


# "KZ 08 722 S315027384019": an IBAN whose country code is written as a word of its own. Its
# first trigger is the check digits' word, so the loop tries this when two letters and a space
# come right before a word-starting digit.
_SPACED_IBAN = re.compile(r"(?<![A-Za-z0-9])" + _IBAN_LETTER + r"{2} [0-9]{2}" + _IBAN_BODY)
_IBAN_COUNTRY_LETTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzАВЕКМНОРСТХΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"
)


def _spaced_iban(collector: _Collector, subject: str, start: int) -> int:
    """The end of a spaced-country IBAN starting at ``start`` once added, or 0 if there is none."""
    match = _SPACED_IBAN.match(subject, start)
    if match is None:
        return 0
    found = len(collector.results)
    end = _iban(collector, match, subject)
    return end if len(collector.results) > found else 0


def _crypto(collector: _Collector, match: re.Match[str], text: str) -> int:
    validated = _checked_crypto_wallet(match.group())
    if validated is not None:
        collector.add(IndicatorType.CRYPTO_WALLET, validated, match.start(), match.end())
    return match.end()


def _ip(collector: _Collector, match: re.Match[str], text: str) -> int:
    validated = _checked_ip(match.group())
    if validated is not None:
        collector.add(IndicatorType.IP, validated, match.start(), match.end())
    return match.end()


def _partial(collector: _Collector, match: re.Match[str], text: str) -> int:
    validated = _checked_card_partial(match.group())
    if validated is not None:
        collector.add(IndicatorType.CARD_PARTIAL, validated, match.start(), match.end())
    return match.end()


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


def _number(collector: _Collector, match: re.Match[str], text: str) -> int:
    end = match.end()
    if text[end : end + 1] == "." and (domain := _DOMAIN_ONLY.match(text, match.start())):
        # "24.kz", "163.com": a domain made of digits, when it is one.
        found = len(collector.results)
        handled = _domain(collector, domain, text)
        if len(collector.results) > found:
            return handled
    return _number_run(collector, text, match.start(), end)


def _number_run(collector: _Collector, text: str, run_start: int, run_end: int) -> int:
    """Adds the indicators in the number run ``text[run_start:run_end]``; returns its end."""
    if run_end - run_start < 10:
        # Fewer than ten characters cannot hold the ten digits of the shortest identifier:
        # amounts, dates and order numbers leave here.
        return run_end
    run = text[run_start:run_end]
    segments = _run_segments(run)
    if segments is None:
        segments = _run_segments_in_context(run, text[max(0, run_start - 30) : run_start])
    for kind, validated, start, end in segments:
        collector.add(kind, validated, run_start + start, run_start + end)
    return run_end


_CRYPTO_ONLY = re.compile(_BRANCHES["crypto"])
_DOMAIN_ONLY = re.compile(_BRANCHES["domain"])
_TRON_WITHOUT_DIGITS = re.compile(r"T(?<![A-Za-z0-9]T)[A-HJ-NP-Za-km-z]{33}(?![A-Za-z0-9])")
_Handler = Callable[[_Collector, re.Match[str], str], int]
_HANDLERS: dict[str, _Handler] = {
    "messenger": _messenger,
    "whatsapp": _whatsapp,
    "url": _url,
    "email": _email,
    "handle": _handle,
    "iban": _iban,
    "crypto": _crypto,
    "ipv4": _ip,
    "ipv6": _ip,
    "partial": _partial,
    "number": _number,
    "fastnumber": _number,
    "domain": _domain,
}


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
# Every branch refuses to start right after one of these (see the look-behinds above).
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
                and subject[trigger_position - 2] in _IBAN_COUNTRY_LETTERS
                and subject[trigger_position - 1] == " "
                and (handled := _spaced_iban(collector, subject, trigger_position - 3))
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
