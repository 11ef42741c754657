"""Kazakh pages speak Kazakh: Django's and the add-ons' own strings come from kuzet's catalogue.

Django's Kazakh catalogue lacks many strings kuzet's pages show, and where a string is missing
Django falls back to ``LANGUAGE_CODE``: Russian in production. These tests run with that
production fallback and look for the Russian (and English) wording of those strings.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.utils import translation

from kuzet import reference
from kuzet.accounts.models import Organisation
from kuzet.core import upstream_messages
from kuzet.core.permissions import OrganisationKind
from kuzet.reports.tests.test_views import form_data

SITE_PACKAGES = Path(django.__file__).resolve().parent.parent
UPSTREAM_CATALOGUES = [
    SITE_PACKAGES / "django/conf/locale/ru/LC_MESSAGES/django.po",
    SITE_PACKAGES / "django/contrib/auth/locale/ru/LC_MESSAGES/django.po",
    SITE_PACKAGES / "django/contrib/admin/locale/ru/LC_MESSAGES/django.po",
    SITE_PACKAGES / "captcha/locale/ru/LC_MESSAGES/django.po",
]
KAZAKH_CATALOGUE = Path(settings.BASE_DIR) / "kuzet/locale/kk/LC_MESSAGES/django.po"


# Kazakh forms that are spelt as one of the Russian ones.
SAME_IN_BOTH = frozenset({"%(num)d минут"})


def upstream_msgids() -> list[tuple[str, str]]:
    """(msgid, msgid_plural) of every call in ``kuzet/core/upstream_messages.py``."""
    tree = ast.parse(Path(upstream_messages.__file__).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            strings = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            if node.func.id == "gettext_noop":
                found.append((strings[0], ""))
            elif node.func.id == "ngettext_lazy":
                found.append((strings[0], strings[1]))
    return found


def russian_upstream() -> dict[str, polib.POEntry]:
    entries: dict[str, polib.POEntry] = {}
    for path in UPSTREAM_CATALOGUES:
        for entry in polib.pofile(str(path)):
            if not entry.msgctxt:
                entries.setdefault(entry.msgid, entry)
    return entries


def literal_parts(text: str) -> list[str]:
    """The pieces of a message between its placeholders that are long enough to search for."""
    parts = re.split(r"%\(\w+\)[sd]|%[sd]|\{\w+\}", text)
    return [part.strip(" .,:;()«»“”") for part in parts if len(part.strip(" .,:;()«»“”")) >= 10]


@pytest.fixture
def russian_fallback(settings):
    """Production's fallback language: what a Kazakh page shows for a missing string."""
    settings.LANGUAGE_CODE = "ru"
    translation.trans_real._translations.clear()
    yield
    translation.trans_real._translations.clear()


def test_every_listed_string_is_still_djangos() -> None:
    russian = russian_upstream()
    for msgid, plural in upstream_msgids():
        assert msgid in russian, f"Django no longer has {msgid!r}: update upstream_messages.py"
        assert russian[msgid].msgid_plural == plural


def test_kuzets_catalogue_is_searched_before_djangos() -> None:
    assert Path(settings.LOCALE_PATHS[0]) == Path(settings.BASE_DIR) / "kuzet" / "locale"
    # Django's own Kazakh wording of this string misspells "таңдау"; kuzet's must be the one used.
    with translation.override("kk"):
        shown = translation.gettext(
            "Select a valid choice. %(value)s is not one of the available choices."
        )
    assert "таңдаңыз" in shown
    assert "тандау" not in shown


@pytest.mark.usefixtures("russian_fallback")
def test_every_listed_string_has_its_own_kazakh() -> None:
    russian = russian_upstream()
    kazakh = {entry.msgid: entry for entry in polib.pofile(str(KAZAKH_CATALOGUE))}
    with translation.override("kk"):
        for msgid, plural in upstream_msgids():
            entry = kazakh[msgid]
            assert entry.translated(), msgid
            assert not entry.fuzzy, msgid
            if plural:
                for count in (1, 2, 5, 21):
                    shown = translation.ngettext(msgid, plural, count)
                    assert shown in entry.msgstr_plural.values(), msgid
                    if shown not in SAME_IN_BOTH:
                        assert shown not in russian[msgid].msgstr_plural.values(), msgid
            else:
                shown = translation.gettext(msgid)
                assert shown == entry.msgstr, msgid
                if shown not in ("IPv4", "IPv6"):
                    assert shown != russian[msgid].msgstr, msgid


@pytest.mark.usefixtures("russian_fallback")
def test_a_kazakh_public_form_with_mistakes_shows_no_russian_or_english(client, reference_data):
    client.post("/i18n/setlang/", {"language": "kk", "next": "/report/"})
    mistakes = {
        "reporter_email": "not-an-address",
        "transfers-TOTAL_FORMS": "5000",
        "region_code": "KZ-ALA",
        "consent": "",
        "transfers-0-amount": "12.345",
        "is_on_behalf": "",
    }
    response = client.post("/report/", form_data(client, **mistakes))
    page = response.content.decode()
    assert response.status_code == 400
    visible = re.sub(r"<[^>]*>", " ", page)
    russian = russian_upstream()
    for msgid, plural in upstream_msgids():
        entry = russian[msgid]
        shown_elsewhere = [msgid, plural, entry.msgstr, *entry.msgstr_plural.values()]
        for text in shown_elsewhere:
            for part in literal_parts(text):
                assert part not in visible, part
    assert "Дұрыс электрондық пошта мекенжайын енгізіңіз." in page
    assert "нысаннан артық жібермеңіз" in page
    assert "Тізімнен таңдаңыз" in page
    assert "Бұл өрісті толтыру міндетті." in page


@pytest.mark.usefixtures("russian_fallback")
def test_the_picture_challenge_speaks_kazakh(client, reference_data, settings):
    settings.PUBLIC_FORM_CHALLENGE_PER_HOUR = 0
    client.post("/i18n/setlang/", {"language": "kk", "next": "/report/"})
    page = client.get("/report/").content.decode()
    for foreign in ("CAPTCHA", "Воспроизвести", "Play "):
        assert foreign not in page


@pytest.mark.usefixtures("russian_fallback")
def test_time_spans_in_the_queue_are_kazakh() -> None:
    with translation.override("kk"):
        assert translation.ngettext("%(num)d hour", "%(num)d hours", 3) % {"num": 3} == "3 сағат"
        assert translation.ngettext("%(num)d day", "%(num)d days", 2) % {"num": 2} == "2 күн"


def test_every_bank_has_its_official_name_in_each_language() -> None:
    for bank in reference.banks():
        names = bank.names
        assert all(names.values()), bank.code
        assert names["kk"] != names["ru"], bank.code
        # Kazakh legal forms come after the name (АҚ, РММ, КЕАҚ, ЕҰ) or name a committee.
        assert re.search(r"(АҚ|РММ|КЕАҚ|ЕҰ|комитеті)$", names["kk"]), bank.code
        assert not re.search(r"\bАО\b", names["kk"]), bank.code


def test_a_bank_is_named_in_the_readers_language(reference_data):
    halyk = Organisation.objects.get(code="HALYK", kind=OrganisationKind.BANK)
    with translation.override("kk"):
        assert halyk.name == "«Қазақстан Халық Банкі» АҚ"
    with translation.override("ru"):
        assert halyk.name == "АО «Народный Банк Казахстана»"
    with translation.override("en"):
        assert halyk.name == "Halyk Bank of Kazakhstan JSC"


def test_the_sending_bank_choices_are_in_the_readers_language(client, reference_data):
    client.post("/i18n/setlang/", {"language": "kk", "next": "/report/"})
    assert "«Қазақстан Халық Банкі» АҚ" in client.get("/report/").content.decode()


def test_scheme_labels_use_no_english_words_in_kazakh_or_russian() -> None:
    # Brand and technical names people use as they are.
    kept = {"WhatsApp", "Telegram", "SIM", "DDoS"}
    for scheme in reference.schemes():
        for language in ("kk", "ru"):
            words = set(re.findall(r"[A-Za-z]+", scheme.label[language]))
            assert words <= kept, (scheme.code, language, words)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_catalogue_is_complete_and_standard_tools_accept_it(language: str) -> None:
    path = Path(settings.BASE_DIR) / "kuzet/locale" / language / "LC_MESSAGES/django.po"
    catalogue = polib.pofile(str(path))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    statuses = {entry.msgid: entry.msgstr for entry in catalogue}
    assert statuses["Running"]
    assert statuses["Done"]
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed")
    checked = subprocess.run(  # noqa: S603 — a fixed tool on a file of the repository
        [msgfmt, "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
