"""Text where every report is new: a labelled corpus generated for each run, no identifier
repeated.

The tuned corpus (``corpus.jsonl``, 2,400 snippets, 0.4 MB) repeated to 5 MB lets a tool that
caches per value answer most of the passes from its caches; reports arriving in production
mostly carry identifiers never seen before. ``generate`` writes snippets from the same
templates and value generators as ``make_corpus.py`` until it has ``minimum_bytes`` of text,
retrying a placeholder until neither its text nor any indicator it holds has appeared earlier
in the corpus (also for number-like hard negatives: bad IINs and cards, accounts, order and
tracking numbers), and never repeating a snippet. The few generators with small value spaces
(look-alike domains, Instagram names) get a random part added. Mail providers' domains
(gmail.com, mail.ru…) and dates, amounts, times and codes repeat as they do in real reports.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import idna

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus as base  # noqa: E402

# Hard negatives that look like identifiers: kept unique too, since they reach the same caches.
UNIQUE_NEGATIVES = {"bad_iin", "bad_card", "account", "order", "track", "bad_phone"}
ATTEMPTS = 200


def lookalike(rng: random.Random) -> tuple[str, base.Expected]:
    host, _found = base.lookalike(rng)
    label, tld = host.split(".", 1)
    label += rng.choice(
        [
            f"-{rng.choice(base.SCAM_WORDS)}",
            str(rng.randint(2, 999)),
            f"-{rng.choice(base.SCAM_WORDS)}{rng.randint(2, 99)}",
        ]
    )
    host = f"{label}.{tld}"
    return host, [base.item("domain", idna.encode(host, uts46=True).decode("ascii"))]


def lookalike_url(rng: random.Random) -> tuple[str, base.Expected]:
    host, found = lookalike(rng)
    path = rng.choice(["/login", "/verify", "/pay", "/"])
    return f"hxxps://{host}{path}", [
        base.item("url", f"https://{found[0]['value']}{path}"),
        found[0],
    ]


def _instagram_name(rng: random.Random) -> str:
    return (
        rng.choice(["shop", "store", "butik", "mebel", "iphone", "sale"])
        + rng.choice([".almaty", "_astana", ".kz", "_shymkent", "kz"])
        + str(rng.randint(1, 99999))
    )


def ig(rng: random.Random) -> tuple[str, base.Expected]:
    name = _instagram_name(rng)
    text = rng.choice([f"instagram.com/{name}", f"https://www.instagram.com/{name}"])
    return text, [base.item("messenger_handle", "instagram:" + name)]


def ig_at(rng: random.Random) -> tuple[str, base.Expected]:
    name = _instagram_name(rng)
    return "@" + name, [base.item("messenger_handle", "instagram:" + name)]


FILLERS = {
    **base.FILLERS,
    "lookalike": lookalike,
    "lookalike_url": lookalike_url,
    "ig": ig,
    "ig_at": ig_at,
}


def _render(
    template: str, rng: random.Random, seen: set[str], repeats: list[int]
) -> tuple[str, base.Expected]:
    expected: base.Expected = []
    pieces: list[str] = []
    last = 0
    for match in base.PLACEHOLDER.finditer(template):
        name = match.group(1)
        for _attempt in range(ATTEMPTS):
            text, found = FILLERS[name](rng)
            keys = {text} | {entry["value"] for entry in found}
            if not (found or name in UNIQUE_NEGATIVES) or keys.isdisjoint(seen):
                break
        else:
            repeats[0] += 1
        if found or name in UNIQUE_NEGATIVES:
            seen.update(keys)
        pieces.append(template[last : match.start()])
        pieces.append(text)
        expected.extend(found)
        last = match.end()
    pieces.append(template[last:])
    return "".join(pieces), expected


def generate(seed: int, minimum_bytes: int) -> tuple[list[dict[str, Any]], int]:
    """Snippets of at least ``minimum_bytes`` of UTF-8 text, and how many placeholders could
    not be given an unseen value (0 expected)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    texts: set[str] = set()
    repeats = [0]
    snippets: list[dict[str, Any]] = []
    size = 0
    while size < minimum_bytes:
        language, genre, template = rng.choice(base.TEMPLATES)
        text, expected = _render(template, rng, seen, repeats)
        if text in texts:
            continue
        texts.add(text)
        size += len(text.encode("utf-8"))
        unique = sorted({(entry["type"], entry["value"]) for entry in expected})
        snippets.append(
            {
                "id": f"fresh-{language}-{genre}-{len(snippets):06d}",
                "text": text,
                "expected": [base.item(kind, value) for kind, value in unique],
            }
        )
    return snippets, repeats[0]
