"""kuzet's indicator engine: extract, validate and normalise fraud identifiers.

A pure library (no Django) used by every other part of kuzet::

    from kuzet.indicators import extract, parse_iin, identifier_hash

    for indicator in extract(text):
        indicator.type, indicator.value, indicator.masked, indicator.start, indicator.end

``extract(text)`` finds phones, cards (full and partly masked), IBANs, IIN/BIN, e-mail
addresses, URLs, domains (with brand look-alike detection), IP addresses, crypto wallets,
messenger handles and IMEIs in Russian, Kazakh and English text. ``parse_<type>(value)``
validates one value and raises ``InvalidIndicator`` with a reason.

The hot modules may also be compiled (``scripts/build_native.py``, run by ``make install``):
the same source compiled by mypyc (and the character loops of ``scanner.py`` by Cython) into
``native/``, used only while it matches the source.
``IMPLEMENTATION`` says which runs; ``KUZET_INDICATORS_PURE=1`` forces plain Python.
``clear_caches()`` empties the engine's per-value caches (benchmarks measure cold with it).
"""

import hashlib
import json
import os
import sys
from pathlib import Path


def _compiled_modules_are_current(native: Path) -> bool:
    """Whether ``native/`` holds a build of exactly the sources beside it, for this Python."""
    try:
        manifest = json.loads((native / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    if (
        not isinstance(manifest, dict)
        or manifest.pop("python", None) != sys.implementation.cache_tag
    ):
        return False
    package = native.parent
    try:
        return bool(manifest) and all(
            hashlib.sha256((package / file_name).read_bytes()).hexdigest() == digest
            for file_name, digest in manifest.items()
        )
    except OSError:
        return False


_NATIVE = Path(__file__).with_name("native")
if os.environ.get("KUZET_INDICATORS_PURE") != "1" and _compiled_modules_are_current(_NATIVE):
    # Submodules are looked up along the package's path: the compiled ones are found first.
    __path__.insert(0, str(_NATIVE))
    IMPLEMENTATION = "compiled (mypyc, Cython)"
else:
    IMPLEMENTATION = "pure Python"

from kuzet.indicators.caches import clear_caches
from kuzet.indicators.extract import extract
from kuzet.indicators.masking import PERSONAL_DATA_TYPES, identifier_hash, mask, mask_value
from kuzet.indicators.model import Indicator, IndicatorType, InvalidIndicator, JSONValue
from kuzet.indicators.parse import (
    parse,
    parse_bin,
    parse_card,
    parse_card_partial,
    parse_crypto_wallet,
    parse_domain,
    parse_email,
    parse_iban,
    parse_iin,
    parse_imei,
    parse_ip,
    parse_messenger_handle,
    parse_phone,
    parse_url,
)

__all__ = [
    "IMPLEMENTATION",
    "PERSONAL_DATA_TYPES",
    "Indicator",
    "IndicatorType",
    "InvalidIndicator",
    "JSONValue",
    "clear_caches",
    "extract",
    "identifier_hash",
    "mask",
    "mask_value",
    "parse",
    "parse_bin",
    "parse_card",
    "parse_card_partial",
    "parse_crypto_wallet",
    "parse_domain",
    "parse_email",
    "parse_iban",
    "parse_iin",
    "parse_imei",
    "parse_ip",
    "parse_messenger_handle",
    "parse_phone",
    "parse_url",
]
