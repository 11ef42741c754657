"""The catalogues use the glossary's terms: ``kuzet/locale/GLOSSARY.md``, rows marked guarded.

For each concept, the translations of the msgids that carry it must use the chosen term and
never a rejected one (a hold on funds is «тоқтата тұру» / «приостановление», never «бұғаттау» /
«блокировка», which is another request type). Django's own strings are left out: their English
is not kuzet's and their concepts are not these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest
from django.conf import settings

from kuzet.core.tests.test_languages import upstream_msgids

LOCALE = Path(settings.BASE_DIR) / "kuzet" / "locale"
GLOSSARY = LOCALE / "GLOSSARY.md"


@dataclass(frozen=True)
class Rule:
    """A guarded glossary row: which msgids carry the concept and what their translations say.

    ``rejected_unless`` exempts msgids that also name the concept the rejected word belongs to
    ("hold, block and takedown requests" rightly says «бұғаттау» beside «тоқтата тұру»).
    """

    concept: str
    msgids: str
    kk: str | None = None
    ru: str | None = None
    kk_rejected: tuple[str, ...] = ()
    ru_rejected: tuple[str, ...] = ()
    rejected_unless: str | None = None
    glossary_terms: tuple[str, ...] = field(default=())


# "report" as a verb: the noun rule below does not apply to these.
REPORT_AS_VERB = frozenset(
    {
        "Report a fraud",
        "Suspend the incoming funds and report what is still on the account.",
        "If you sent money to a fraudster in the last hour, report it now: the faster the bank "
        "is told, the more can be stopped. In an emergency call 102.",
    }
)

RULES = [
    Rule(
        "hold on funds",
        r"\b[Hh]old alerts?\b|\bholds\b|\bhold,|[Ss]uspend|stop the money|can be stopped",
        kk=r"тоқтата тұр",
        ru=r"приостан",
        kk_rejected=(r"тоқтат(?!а тұр)", r"бұғатта", r"ұстап қал"),
        ru_rejected=(r"блокир", r"приостановк", r"задерж"),
        rejected_unless=r"\bblock",
        glossary_terms=("тоқтата тұру", "приостановление", "тоқтата тұру туралы хабарлама"),
    ),
    Rule(
        "block",
        r"\bblock\b",
        kk=r"бұғатта",
        ru=r"блокир",
        glossary_terms=("бұғаттау", "блокировка"),
    ),
    Rule(
        "transfer reference",
        r"^Reference$",
        kk=r"^Операция нөмірі$",
        ru=r"^Номер операции$",
        kk_rejected=(r"[Аа]нықтамалық",),
        ru_rejected=(r"[Рр]еференс",),
        glossary_terms=("Операция нөмірі", "номер операции"),
    ),
    Rule(
        "report of a crime",
        r"\b[Rr]eports?\b",
        kk=r"[Аа]рыз",
        ru=r"[Зз]аявлени",
        kk_rejected=(r"[Хх]абарлама",),
        ru_rejected=(r"[Сс]ообщени",),
        rejected_unless=r"[Mm]essage|[Aa]lert|[Nn]otif|SMS|reported",
        glossary_terms=("арыз", "заявление"),
    ),
    Rule(
        "tracking number",
        r"[Tt]racking number",
        kk=r"Арыз нөмірі",
        ru=r"Номер заявления",
        kk_rejected=(r"[Бб]ақылау нөмірі",),
        ru_rejected=(r"для отслеживания",),
        glossary_terms=("Арыз нөмірі", "номер заявления"),
    ),
    Rule("ERDR", r"\bERDR\b", kk=r"СДТБТ", ru=r"ЕРДР", glossary_terms=("СДТБТ", "ЕРДР")),
    Rule(
        "ERDR spelled out on the receipt",
        r"^An officer reviews the report, usually within 24 hours, and registers it in the ERDR",
        kk=r"Сотқа дейінгі тергеп-тексерулердің бірыңғай тізілімі\w* \(СДТБТ\)",
        ru=r"Един\w* реестр\w* досудебных расследований \(ЕРДР\)",
        glossary_terms=("Сотқа дейінгі тергеп-тексерулердің бірыңғай тізілімі",),
    ),
    Rule(
        "victim",
        r"\bvictim",
        kk=r"жәбірлен",
        ru=r"потерпевш",
        kk_rejected=(r"құрбан",),
        ru_rejected=(r"жертв",),
        glossary_terms=("жәбірленуші", "потерпевший"),
    ),
    Rule(
        "revoke a token",
        r"[Rr]evok",
        kk=r"күш\w* жо[йю]",
        ru=r"[Оо]тоз",
        kk_rejected=(r"кері қайтар",),
        glossary_terms=("күшін жою", "отозвать"),
    ),
    Rule(
        "IP address in the audit log",
        r"^Address$",
        kk=r"^IP мекенжайы$",
        ru=r"^IP-адрес$",
        glossary_terms=("IP мекенжайы", "IP-адрес"),
    ),
    Rule(
        "audited object",
        r"^[Oo]bject( type| id)?$",
        kk=r"[Оо]бъект",
        kk_rejected=(r"[Нн]ысан",),
        glossary_terms=("объект",),
    ),
    Rule(
        "web form",
        r"\bform\b",
        kk=r"[Нн]ысан",
        ru=r"[Фф]орм",
        kk_rejected=(r"[Фф]орма",),
        glossary_terms=("нысан",),
    ),
    Rule(
        "request",
        r"\b[Rr]equests?\b",
        kk=r"[Сс]ұрау",
        kk_rejected=(r"[Сс]ұраныс",),
        glossary_terms=("сұрау",),
    ),
    Rule(
        "organisation kind: agency",
        r"^Agency$",
        kk=r"^Мемлекеттік орган$",
        ru=r"^Государственный орган$",
        kk_rejected=(r"[Аа]генттік",),
        ru_rejected=(r"[Вв]едомств",),
        glossary_terms=("Мемлекеттік орган", "Государственный орган"),
    ),
    Rule(
        "identifier",
        r"\b[Ii]dentifiers?\b",
        kk_rejected=(r"[Ии]ндикатор",),
        ru_rejected=(r"[Ии]ндикатор",),
        glossary_terms=("идентификатор",),
    ),
    Rule("digits", r"\bdigits\b", kk=r"цифр", glossary_terms=("цифр",)),
    Rule("scopes", r"\b[Ss]copes\b", kk=r"[Рр]ұқсат аял", ru=r"област\w* доступа"),
]


def catalogue(language: str) -> dict[str, str]:
    """kuzet's own msgids (not Django's) and all their translated forms as one text.

    Terms are compared without regard to case: a term may open a sentence.
    """
    django_msgids = {msgid for msgid, _plural in upstream_msgids()}
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    return {
        entry.msgid: " ".join([entry.msgstr, *entry.msgstr_plural.values()])
        for entry in polib.pofile(str(path))
        if not entry.obsolete and entry.msgid not in django_msgids
    }


def carriers(rule: Rule, entries: dict[str, str]) -> dict[str, str]:
    pattern = re.compile(rule.msgids)
    found = {
        msgid: text
        for msgid, text in entries.items()
        if pattern.search(msgid)
        and not (rule.concept == "report of a crime" and msgid in REPORT_AS_VERB)
    }
    assert found, f"no msgid carries {rule.concept!r}: the rule's pattern is stale"
    return found


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("rule", RULES, ids=[rule.concept for rule in RULES])
def test_the_catalogue_uses_the_chosen_term(rule: Rule, language: str) -> None:
    chosen = rule.kk if language == "kk" else rule.ru
    rejected = rule.kk_rejected if language == "kk" else rule.ru_rejected
    wrong = []
    for msgid, text in carriers(rule, catalogue(language)).items():
        if chosen is not None and not re.search(chosen, text, re.IGNORECASE):
            wrong.append(f"{msgid!r} does not say {chosen!r}: {text!r}")
        exempt = rule.rejected_unless is not None and re.search(rule.rejected_unless, msgid)
        for word in rejected:
            if not exempt and re.search(word, text, re.IGNORECASE):
                wrong.append(f"{msgid!r} says the rejected {word!r}: {text!r}")
    assert not wrong, "\n".join(wrong)


def test_every_guarded_term_is_written_down_in_the_glossary() -> None:
    glossary = GLOSSARY.read_text(encoding="utf-8")
    missing = [term for rule in RULES for term in rule.glossary_terms if term not in glossary]
    assert not missing
