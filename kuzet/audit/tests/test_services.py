"""The audit chain: linear, append-only, and any alteration is found and named."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from kuzet.accounts.models import AccountAction
from kuzet.audit.models import GENESIS_HASH, AppendOnlyError, AuditEvent, AuditLogAction
from kuzet.audit.services import PendingEntry, audit_record, audit_record_many, audit_verify
from kuzet.blocking.models import BlockingAction
from kuzet.core.models import AuditAction
from kuzet.reports.models import ReportAction

pytestmark = pytest.mark.django_db


class ChainTestAction(AuditAction):
    EVENT = "test.event"
    CONCURRENT = "concurrent"


def write_chain(count: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None, action=ChainTestAction.EVENT, object_type="test", object_id=str(number)
        )
        for number in range(count)
    ]


def raw(sql: str, parameters: list[object] | None = None) -> None:
    """Tampering as an attacker with database access would: plain SQL, no ORM, no trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch ordinary triggers off for the session: the trigger stops the
            # application's role, not the database's owner. The verifier must still catch it.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, parameters or [])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_entries_form_a_chain_from_the_genesis():
    events = write_chain(3)
    assert [event.sequence for event in events] == [1, 2, 3]
    assert events[0].previous_hash == GENESIS_HASH
    assert events[1].previous_hash == events[0].entry_hash
    assert events[2].previous_hash == events[1].entry_hash
    result = audit_verify()
    assert result.is_valid
    assert (result.checked, result.head_sequence, result.head_hash) == (3, 3, events[2].entry_hash)


def test_an_untouched_chain_verifies_from_the_command(capsys):
    write_chain(5)
    call_command("audit", "verify")
    assert "Audit chain intact: 5 entries" in capsys.readouterr().out


def test_an_altered_entry_is_named():
    write_chain(5)
    raw("UPDATE audit_auditevent SET purpose = 'rewritten' WHERE sequence = 3")
    result = audit_verify()
    assert result.first_bad_sequence == 3
    assert "altered" in result.problem
    with pytest.raises(CommandError, match="broken at entry 3"):
        call_command("audit", "verify")


def test_a_removed_entry_is_named():
    write_chain(5)
    raw("DELETE FROM audit_auditevent WHERE sequence = 2")
    result = audit_verify()
    assert result.first_bad_sequence == 2
    assert "missing" in result.problem


def test_reordered_entries_are_named():
    write_chain(5)
    raw("UPDATE audit_auditevent SET sequence = 1000 WHERE sequence = 2")
    raw("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 4")
    raw("UPDATE audit_auditevent SET sequence = 4 WHERE sequence = 1000")
    result = audit_verify()
    assert result.first_bad_sequence == 2


def test_a_cut_off_tail_is_found_against_the_recorded_head():
    events = write_chain(5)
    head = events[-1].entry_hash
    raw("DELETE FROM audit_auditevent WHERE sequence = 5")
    assert audit_verify().is_valid  # without an outside anchor a truncated tail looks whole
    result = audit_verify(expected_head=head)
    assert not result.is_valid
    assert "cut off" in result.problem


def test_the_orm_refuses_to_change_or_delete_entries():
    event = write_chain(1)[0]
    event.purpose = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the append-only trigger exists on PostgreSQL",
)
def test_postgresql_trigger_refuses_update_and_delete():
    write_chain(2)
    for statement in (
        "UPDATE audit_auditevent SET purpose = 'x' WHERE sequence = 1",
        "DELETE FROM audit_auditevent WHERE sequence = 2",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert audit_verify().checked == 2


def test_a_failing_audit_insert_rolls_back_the_change(reference_data, monkeypatch):
    from kuzet.accounts import services
    from kuzet.accounts.models import Organisation, User
    from kuzet.audit.services import SystemActor

    def failing_save(self: AuditEvent, *args: object, **kwargs: object) -> None:
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr(AuditEvent, "save", failing_save)
    with pytest.raises(DatabaseError):
        services.user_create(
            actor=SystemActor("test"),
            username="rolled-back",
            password="p" * 16,
            organisation=Organisation.objects.get(code="KASPI"),
            role="partner_officer",
        )
    assert not User.objects.filter(username="rolled-back").exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_linear_chain():
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for index in range(10):
                audit_record(
                    actor=None, action=ChainTestAction.CONCURRENT, object_id=f"{number}-{index}"
                )
        except BaseException as error:  # noqa: BLE001 — collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = audit_verify()
    assert result.is_valid
    assert result.checked == 60
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 61))


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="edits the SQLite file directly, as the issue's acceptance check does",
)
@pytest.mark.django_db(transaction=True)
def test_editing_the_sqlite_file_breaks_verify_from_the_command_line(tmp_path: Path):
    import os
    import sqlite3

    database = tmp_path / "kuzet.sqlite3"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "KUZET_VAR_DIR": str(tmp_path),
    }
    kuzet = [sys.executable, "-m", "kuzet"]
    subprocess.run([*kuzet, "migrate", "-v", "0"], env=environment, check=True)
    subprocess.run([*kuzet, "seed-demo"], env=environment, check=True, capture_output=True)
    intact = subprocess.run(
        [*kuzet, "audit", "verify"], env=environment, capture_output=True, text=True
    )
    assert intact.returncode == 0, intact.stderr
    with sqlite3.connect(database) as tamper:
        tamper.execute(
            "UPDATE audit_auditevent SET actor_label = 'someone-else' WHERE sequence = 4"
        )
    broken = subprocess.run(
        [*kuzet, "audit", "verify"], env=environment, capture_output=True, text=True
    )
    assert broken.returncode != 0
    assert "entry 4" in broken.stderr


def test_an_action_is_stored_and_hashed_as_its_plain_string():
    one = audit_record(actor=None, action=ReportAction.REPORT_REGISTER, object_id="1")
    (many,) = audit_record_many(actor=None, entries=[PendingEntry(ReportAction.REPORT_SUBMIT)])
    for event, string in ((one, "reports.report.register"), (many, "reports.report.submit")):
        stored = AuditEvent.objects.get(pk=event.pk)
        assert type(event.action) is str
        assert stored.action == string
        assert stored.compute_hash() == event.entry_hash
    assert audit_verify().is_valid


# Every action string ever released. Entries already in the chain carry these strings and their
# hashes cover them: a changed value would split one action into two in the log.
RELEASED_ACTIONS = {
    "access.denied",
    "accounts.api_client.create",
    "accounts.api_client.revoke",
    "accounts.login",
    "accounts.login.code",
    "accounts.login.locked",
    "accounts.login.password",
    "accounts.login.refused_locked",
    "accounts.login.totp_enrolled",
    "accounts.logout",
    "accounts.user.create",
    "accounts.user.disable",
    "accounts.user.unlock",
    "audit.read",
    "blocking.hold_alert.create",
    "blocking.inbox.acknowledge",
    "read",
    "reports.import.create",
    "reports.message.add",
    "reports.message.send",
    "reports.report.merge",
    "reports.report.register",
    "reports.report.status",
    "reports.report.submit",
}


def test_released_action_strings_are_kept():
    actions = {
        action.value
        for enum in (AccountAction, AuditLogAction, BlockingAction, ReportAction)
        for action in enum
    }
    assert actions >= RELEASED_ACTIONS
