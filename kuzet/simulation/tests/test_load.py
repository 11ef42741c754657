"""``kuzet simulate --load``: the world's reports go through real intake, once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from kuzet.blocking.models import HoldAlert, PartnerInboxItem
from kuzet.reports.models import Report, ReportSource

pytestmark = pytest.mark.django_db


def test_load_a_small_world_once(reference_data, tmp_path: Path):
    out = io.StringIO()
    call_command(
        "simulate",
        "--seed",
        "3",
        "--scale",
        "small",
        "--load",
        "--out",
        str(tmp_path),
        "--quiet",
        stdout=out,
    )
    assert "Loaded" in out.getvalue()
    reports = Report.objects.count()
    assert reports > 900
    channels = set(ReportSource.objects.values_list("channel", flat=True))
    assert channels == {"public_web", "bank", "telecom"}
    assert {source.organisation.kind for source in ReportSource.objects.filter(channel="bank")} == {
        "bank"
    }
    assert HoldAlert.objects.count() > 0
    assert PartnerInboxItem.objects.count() == HoldAlert.objects.count()
    assert Report.objects.filter(department__code="DCC").count() < reports / 10
    again = io.StringIO()
    call_command(
        "simulate",
        "--seed",
        "3",
        "--scale",
        "small",
        "--load",
        "--out",
        str(tmp_path),
        "--quiet",
        stdout=again,
    )
    assert "already loaded" in again.getvalue()
    assert Report.objects.count() == reports
