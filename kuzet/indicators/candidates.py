"""Check the candidates the extractor's patterns propose and record the valid ones.

Each handler takes the match of its branch, runs the validator of its type (cached per
candidate string) and adds what passes to a ``_Collector``, which maps offsets in the
normalised text back to the caller's input. ``_HANDLERS`` names the handler of each branch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial
from types import MappingProxyType
from typing import TypeVar

from kuzet.indicators.identifiers import (
    Validated,
    iban_length,
    validate_card_partial,
    validate_iban,
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
from kuzet.indicators.normalise import HOST_JOINERS, NormalisedText, normalise_for_host
from kuzet.indicators.number_runs import _CACHE_SIZE, _run_segments, _run_segments_in_context
from kuzet.indicators.patterns import _CRYPTO_ONLY, _DOMAIN_ONLY, _SPACED_IBAN

_TRAILING_PUNCTUATION = ".,;:!?)"
# Public suffixes that are also common file extensions: a bare "скрин.zip" is a file name.
_FILE_EXTENSION_SUFFIXES = frozenset({"zip", "mov", "py", "md", "sh", "exe", "jpg", "pdf"})
_INSTAGRAM_CONTEXT = re.compile(r"(?i)инст|insta|\big\b|ig:")


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
        """The text of [start, end) with non-ASCII digits, joiners and compatibility letters
        as written, when the normaliser rewrote something there (else None: the span is as
        written). Any rewrite counts, not only a fold into ASCII: NFKC makes ϲ a ς, UTS 46 a σ."""
        normalised = self.normalised
        if normalised is None:
            return None
        original_start, original_end = normalised.original_span(start, end)
        written = self.original[original_start:original_end]
        if written == normalised.text[start:end]:
            return None
        return normalise_for_host(written)

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


def _number(collector: _Collector, match: re.Match[str], text: str) -> int:
    end = match.end()
    after = text[end : end + 1]
    if (after == "." or (after > "\x7f" and after.isalnum())) and (
        domain := _DOMAIN_ONLY.match(text, match.start())
    ):
        # "24.kz", "163.com": a domain made of digits, when it is one; "0Ӏ.눵.com": a label
        # that starts with a digit and goes on in another script (the number stops there).
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
