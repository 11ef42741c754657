"""Find every indicator in free text.

The text is normalised first (see ``normalise``). A one-character-class pattern then finds the
next trigger character (a digit, @, a dot, a colon, a slash, a mask star or a plus; every
indicator has one), and from the start of the word holding it a precompiled pattern, chosen by
the first character, proposes a candidate (phone/card digit run, IBAN, URL, e-mail, domain…).
Each candidate is checked by the cheap validator of its type (checksums, registry lengths,
number ranges) and recorded with offsets mapped back to the input. Nothing here calls a slow
library per candidate: phonenumbers only sees non-+7 international numbers, and idna and the
public-suffix lookup run once per distinct host (cached).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from types import MappingProxyType

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
from kuzet.indicators.model import Indicator, IndicatorType, InvalidIndicator
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
from kuzet.indicators.normalise import NormalisedText, normalise

__all__ = ["extract"]

# Characters that end a URL or path: white space, quotes and brackets people wrap links in.
_URL_BODY = r"[^\s<>\"'«»“”‘’`{}|\\^\[\]]"
_MASK = r"[*xX•●]"
_BASE58 = r"[1-9A-HJ-NP-Za-km-z]"
# Upper-case Cyrillic and Greek letters that pass for Latin in an IBAN's country code.
_IBAN_LETTER = r"[A-Za-zАВЕКМНОРСТХΑΒΕΖΗΙΚΜΝΟΡΤΥΧ]"
# A domain label: Unicode letters and digits (IDN look-alikes must be seen), possessive so a
# plain word is rejected in one scan instead of being backtracked character by character.
_LABEL = r"[^\W_][\w-]{0,62}+"
_TLD = r"(?:[^\W\d_]{2,63}+|xn--[a-z0-9-]{1,59}+)"

_BRANCHES: dict[str, str] = {
    # t.me/name, instagram.com/name (with or without scheme): a handle, not a URL.
    "messenger": r"(?<![\w.@/-])(?:[Hh][Tt][Tt][Pp][Ss]?://)?(?:[Ww]{3}\.)?"
    r"(?:[Tt]\.[Mm][Ee]|[Tt]elegram\.(?:me|dog)|[Ii]nstagram\.com)/(?:s/)?@?[A-Za-z0-9_.]{1,32}",
    # wa.me/77011234567 and api.whatsapp.com/send?phone=…: a phone.
    "whatsapp": r"(?<![\w.@/-])(?:[Hh][Tt][Tt][Pp][Ss]?://)?"
    r"(?:wa\.me/|api\.whatsapp\.com/send/?\?phone=)\+?[0-9]{7,15}",
    "url": r"(?<![A-Za-z0-9])(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp])://" + _URL_BODY + "+",
    "email": r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}+@"
    r"(?:" + _LABEL + r"\.)+" + _TLD + r"(?![\w-])",
    "handle": r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{0,31}+",
    "iban": r"(?<![A-Za-z0-9])" + _IBAN_LETTER + "{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]){11,34}",
    "crypto": r"(?<![A-Za-z0-9])(?:0x[0-9a-fA-F]{40}|(?:bc1|BC1)[0-9A-Za-z]{11,71}"
    r"|T" + _BASE58 + r"{33}|[13](?=[1-9]*[A-HJ-NP-Za-km-z])" + _BASE58 + r"{25,34})"
    r"(?![A-Za-z0-9])",
    "ipv4": r"(?<![0-9A-Za-z.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])",
    "ipv6": r"(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){7})"
    r"[0-9A-Fa-f:]{2,39}(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3})?(?![0-9A-Za-z:])",
    "partial": r"(?<![0-9A-Za-z*])(?=[0-9 \-]{0,10}"
    + _MASK
    + r")(?:[0-9]|"
    + _MASK
    + r")(?:[ \-]?(?:[0-9]|"
    + _MASK
    + r")){12,22}(?![0-9A-Za-z*])",
    # Digit runs with the separators people put in phones and cards; split by _number.
    "number": r"(?<![0-9A-Za-z*])(?:\+[ ]?)?\(?[0-9]+"
    r"(?:(?:[ .\-]|[ ]?\([ ]?|[ ]?\)[ \-]?|[ ]-[ ]|[ ]?\)[ ]?)[0-9]+)*(?![0-9A-Za-z])",
    "domain": r"(?<![\w@.\-/])(?:" + _LABEL + r"\.)+" + _TLD + r"(?![\w-])"
    r"(?:(?::[0-9]{1,5})?/" + _URL_BODY + "*)?",
}

# Which branches can start at a given first character, in priority order. Trying only these
# (instead of the whole alternation) is what keeps a candidate check near one microsecond.
_ORDER = ("messenger", "whatsapp", "url", "email", "handle", "iban", "crypto", "ipv4", "ipv6",
          "partial", "number", "domain")  # fmt: skip


def _compile(names: set[str]) -> re.Pattern[str] | None:
    chosen = [name for name in _ORDER if name in names]
    if not chosen:
        return None
    return re.compile("|".join(f"(?P<{name}>{_BRANCHES[name]})" for name in chosen))


def _branches_for(character: str) -> set[str]:
    if "0" <= character <= "9":
        return {"email", "crypto", "ipv4", "ipv6", "partial", "number", "domain"}
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


class _Collector:
    """Appends indicators found in one normalised text, mapping offsets back to the input."""

    __slots__ = ("normalised", "results")

    def __init__(self, normalised: NormalisedText) -> None:
        self.normalised = normalised
        self.results: list[Indicator] = []

    def add(self, kind: IndicatorType, validated: Validated, start: int, end: int) -> None:
        normalised = self.normalised
        if normalised.is_identity:
            original_start, original_end = start, end
            suspicious = validated.suspicious
        else:
            original_start, original_end = normalised.original_span(start, end)
            suspicious = validated.suspicious or normalised.is_tampered(start, end)
        self.results.append(
            Indicator(
                kind,
                validated.value,
                normalised.original[original_start:original_end],
                original_start,
                original_end,
                suspicious,
                MappingProxyType(validated.details),
            )
        )


def _trim_url(text: str) -> str:
    """Drop punctuation that ends the sentence rather than the URL (keeping balanced ')')."""
    while text and text[-1] in _TRAILING_PUNCTUATION:
        if text[-1] == ")" and text.count("(") >= text.count(")"):
            break
        text = text[:-1]
    return text


def _add_host(collector: _Collector, url_text: str, url_start: int, validated: Validated) -> None:
    """The domain or IP address inside a URL, with the host's own offsets."""
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
    start = url_start + host_start
    end = url_start + host_end
    if validated.details["host_kind"] == "ip":
        collector.add(IndicatorType.IP, validate_ip(url_text[host_start:host_end]), start, end)
        return
    # The URL validator has already resolved the host: reuse its answer.
    details = validated.details
    domain = Validated(
        str(details["domain"]),
        {"host": details["host"], "lookalike_of": details["lookalike_of"]},
        bool(details.get("mixed_script")),
    )
    collector.add(IndicatorType.DOMAIN, domain, start, end)


def _url(collector: _Collector, match: re.Match[str], text: str) -> int:
    url_text = _trim_url(match.group())
    start = match.start()
    try:
        validated = validate_url(url_text)
        collector.add(IndicatorType.URL, validated, start, start + len(url_text))
        _add_host(collector, url_text, start, validated)
    except InvalidIndicator:
        pass
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
    with contextlib.suppress(InvalidIndicator):
        collector.add(IndicatorType.DOMAIN, validate_domain(host), start, start + len(host))
    return match.end()


def _email(collector: _Collector, match: re.Match[str], text: str) -> int:
    with contextlib.suppress(InvalidIndicator):
        collector.add(
            IndicatorType.EMAIL, validate_email(match.group()), match.start(), match.end()
        )
    return match.end()


def _messenger(collector: _Collector, match: re.Match[str], text: str) -> int:
    candidate = match.group().rstrip(".")
    try:
        validated = validate_messenger_handle(candidate)
        collector.add(
            IndicatorType.MESSENGER_HANDLE, validated, match.start(), match.start() + len(candidate)
        )
    except InvalidIndicator:
        pass
    return match.end()


def _whatsapp(collector: _Collector, match: re.Match[str], text: str) -> int:
    candidate = match.group()
    digits_start = max(candidate.rfind("/"), candidate.rfind("=")) + 1
    try:
        validated = validate_whatsapp_link(candidate[digits_start:])
        collector.add(IndicatorType.PHONE, validated, match.start() + digits_start, match.end())
    except InvalidIndicator:
        pass
    return match.end()


def _handle(collector: _Collector, match: re.Match[str], text: str) -> int:
    candidate = match.group().rstrip(".")
    start = match.start()
    context = text[max(0, start - 40) : start]
    platform = "instagram" if _INSTAGRAM_CONTEXT.search(context) else "telegram"
    try:
        validated = validate_messenger_handle(candidate, default_platform=platform)
        collector.add(IndicatorType.MESSENGER_HANDLE, validated, start, start + len(candidate))
    except InvalidIndicator:
        pass
    return match.end()


def _iban(collector: _Collector, match: re.Match[str], text: str) -> int:
    candidate = match.group()
    start = match.start()
    # The pattern is greedy over "KZ86 125K ZT50 …" and may run into the next word; cut the
    # candidate at the country's registry length, and only where a group ends.
    length = iban_length(candidate[:2])
    if length is not None:
        compact_length = 0
        end = 0
        for index, character in enumerate(candidate):
            if character != " ":
                compact_length += 1
                if compact_length == length:
                    end = index + 1
                    break
        if end and (end == len(candidate) or candidate[end] == " "):
            try:
                validated = validate_iban(candidate[:end])
            except InvalidIndicator:
                pass
            else:
                collector.add(IndicatorType.IBAN, validated, start, start + end)
                return start + end
    # Not an IBAN: "TZ93EH…" may still be a TRON wallet.
    wallet = _CRYPTO_ONLY.match(text, start)
    if wallet is not None:
        return _crypto(collector, wallet, text)
    return start + 2


def _crypto(collector: _Collector, match: re.Match[str], text: str) -> int:
    with contextlib.suppress(InvalidIndicator):
        collector.add(
            IndicatorType.CRYPTO_WALLET,
            validate_crypto_wallet(match.group()),
            match.start(),
            match.end(),
        )
    return match.end()


def _ip(collector: _Collector, match: re.Match[str], text: str) -> int:
    with contextlib.suppress(InvalidIndicator):
        collector.add(IndicatorType.IP, validate_ip(match.group()), match.start(), match.end())
    return match.end()


def _partial(collector: _Collector, match: re.Match[str], text: str) -> int:
    with contextlib.suppress(InvalidIndicator):
        collector.add(
            IndicatorType.CARD_PARTIAL,
            validate_card_partial(match.group()),
            match.start(),
            match.end(),
        )
    return match.end()


def _is_card_grouping(lengths: list[int]) -> bool:
    """4-4-4-4(-1..3) as printed on cards, or Amex/Diners 4-6-5 and 4-6-4."""
    if len(lengths) == 1:
        return True
    if lengths[:-1] == [4] * (len(lengths) - 1) and 1 <= lengths[-1] <= 4:
        return True
    return lengths in ([4, 6, 5], [4, 6, 4])


def _number_candidate(
    digits: str,
    lengths: list[int],
    *,
    international: bool,
    text: str,
    at: int,
    at_run_start: bool = True,
) -> tuple[IndicatorType, Validated] | None:
    total = len(digits)
    try:
        if international:
            return IndicatorType.PHONE, validate_phone_digits(digits, international=True)
        if total in (10, 11):
            if digits.startswith("00"):
                return None
            return IndicatorType.PHONE, validate_phone_digits(digits, international=False)
        if digits.startswith("00") and at_run_start and 12 <= total <= 17 and lengths[0] <= 4:
            return IndicatorType.PHONE, validate_phone_digits(digits[2:], international=True)
        if total == 12 and len(lengths) == 1:
            if digits[4] in "456":
                return IndicatorType.BIN, validate_bin(digits)
            return IndicatorType.IIN, validate_iin(digits)
        if (
            total == 15
            and digits[:2] in _IMEI_REPORTING_BODIES
            and (
                (len(lengths) == 1 and digits[:2] not in ("34", "37"))
                or _IMEI_CONTEXT.search(text, max(0, at - 30), at) is not None
            )
        ):
            return IndicatorType.IMEI, validate_imei(digits)
        if 13 <= total <= 19 and _is_card_grouping(lengths):
            return IndicatorType.CARD, validate_card(digits)
    except InvalidIndicator:
        return None
    return None


def _number(collector: _Collector, match: re.Match[str], text: str) -> int:
    run_start = match.start()
    run_end = match.end()
    if run_end - run_start < 10:
        # Fewer than ten characters cannot hold the ten digits of the shortest identifier:
        # amounts, dates and order numbers leave here.
        return run_end
    run = match.group()
    if run.isdigit():
        # One unbroken group of digits, the most common shape: no segmentation needed.
        found = _number_candidate(run, [len(run)], international=False, text=text, at=run_start)
        if found is not None:
            collector.add(found[0], found[1], run_start, run_end)
        return run_end
    groups = [(found.start(), found.end()) for found in _DIGITS.finditer(text, run_start, run_end)]
    has_plus = text[run_start] == "+"
    count = len(groups)
    all_lengths = [end - start for start, end in groups]
    # A run printed like a card (4-4-4-4) that is not a valid card is a mistyped or fake card:
    # its middle groups are not a phone, and "0064 …" inside it is not an international prefix.
    card_shaped = count >= 3 and _is_card_grouping(all_lengths)
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
            lengths = [end - start for start, end in groups[index : last + 1]]
            digits = "".join(text[start:end] for start, end in groups[index : last + 1])
            candidate = _number_candidate(
                digits,
                lengths,
                international=has_plus and index == 0,
                text=text,
                at=groups[index][0],
                at_run_start=index == 0,
            )
            if candidate is None:
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
        start = run_start if (has_plus and index == 0) else groups[index][0]
        collector.add(kind, validated, start, groups[last][1])
        index = last + 1
    return run_end


_CRYPTO_ONLY = re.compile(_BRANCHES["crypto"])
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
    "domain": _domain,
}


# Every indicator contains at least one of these characters (a digit, @, a dot, a colon, a
# slash, a mask star or a plus). A pattern that is a single character class lets the regular
# expression engine skip the prose between them in its C loop; the full candidate pattern is
# then tried only from the start of the word that holds the trigger. Trying the full pattern at
# every position instead is about ten times slower on Russian and English prose.
_TRIGGER = re.compile(r"[0-9@.:/*•●+]")
# How far back from a trigger a candidate may start (a long e-mail local part or URL scheme).
_LOOKBACK = 100
_MASK_WORD = re.compile(r"[xX*•●]{4}[ \-]$")


_WORD_BREAKS = frozenset(" \n\t\r")
_MASK_CHARACTERS = frozenset("xX*•●")
# After these a dot or colon ends a sentence or a label rather than continuing an indicator.
_SENTENCE_END = frozenset(" \n\t\r,;!?)\"'»")


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
    normalised = normalise(text)
    collector = _Collector(normalised)
    trigger_search = _TRIGGER.search
    matchers = _MATCHERS
    handlers = _HANDLERS
    word_breaks = _WORD_BREAKS
    subject = normalised.text
    length = len(subject)
    position = 0
    while True:
        trigger = trigger_search(subject, position)
        if trigger is None:
            break
        trigger_position = trigger.start()
        low = position if position > trigger_position - _LOOKBACK else trigger_position - _LOOKBACK
        position = trigger_position + 1
        character = subject[trigger_position]
        if character in ".:" and (position == length or subject[position] in _SENTENCE_END):
            continue
        if trigger_position == low or (
            subject[trigger_position - 1] in word_breaks
            and subject[trigger_position - 2 : trigger_position - 1] not in _MASK_CHARACTERS
        ):
            # The common case: a number or handle that starts its word.
            matcher = matchers[character] if character in matchers else _matcher(character)
            match = matcher(subject, trigger_position) if matcher is not None else None
            if match is not None:
                handled = handlers[match.lastgroup or "domain"](collector, match, subject)
                position = handled if handled > position else position
            continue
        start = _word_start(subject, low, trigger_position)
        for candidate_start in range(start, trigger_position + 1):
            first = subject[candidate_start]
            matcher = matchers[first] if first in matchers else _matcher(first)
            if matcher is None:
                continue
            match = matcher(subject, candidate_start)
            if match is not None:
                handled = handlers[match.lastgroup or "domain"](collector, match, subject)
                position = max(handled, candidate_start + 1)
                break
    if "T" in subject:
        # A TRON address without a single digit has no trigger character (about 1 in 300).
        added = len(collector.results)
        for wallet in _TRON_WITHOUT_DIGITS.finditer(subject):
            _crypto(collector, wallet, subject)
        if len(collector.results) > added:
            collector.results.sort(key=lambda indicator: indicator.start)
    return collector.results
