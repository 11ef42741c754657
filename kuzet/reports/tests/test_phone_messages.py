"""A refused phone number is explained in one language, naming the mistake actually made."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from kuzet import indicators
from kuzet.reports.services.intake.validation import phone_problem
from kuzet.reports.tests.test_views import form_data


@pytest.mark.parametrize(
    ("written", "explanation"),
    [
        # One digit missing after the trunk prefix: the engine's reason talks about "+7 or 8",
        # which the reporter did write; the count is the mistake.
        ("8 701 234 56 7", "this one has 9."),
        ("+7 701 234 56 789", "this one has 11."),
        ("123", "this one has 3."),
        ("8 701 234 56 7x", "digits only"),
        ("912 345 67 89", "Put +7 or 8 in front"),
        ("+7 500 123 45 67", "+7 500"),
        ("+49 1", "country code"),
    ],
)
def test_the_message_names_the_mistake(written: str, explanation: str) -> None:
    with pytest.raises(indicators.InvalidIndicator):
        indicators.parse_phone(written)
    with translation.override("en"):
        message = phone_problem(written)
    assert explanation in message
    assert "+7 701 234 56 78" in message


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("written", ["8 701 234 56 7", "8701x", "912 345 67 89", "+7 500 1234567"])
def test_the_message_is_in_one_language(written: str, language: str) -> None:
    with translation.override(language):
        message = phone_problem(written)
    assert re.search(r"[A-Za-z]", message) is None, message


def test_the_public_form_shows_the_kazakh_message_on_the_phone_field(client, reference_data):
    client.post("/i18n/setlang/", {"language": "kk", "next": "/report/"})
    response = client.post("/report/", form_data(client, reporter_phone="8 701 234 56 7"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Қазақстандық телефон нөмірінде +7 немесе 8-ден кейін 10 цифр болады" in page
    assert "not valid" not in page
    assert "digits" not in page
