"""Background work of intake (django-tasks; ``kuzet db_worker`` runs it)."""

from __future__ import annotations

from django_tasks import task

from kuzet.reports.services import imports


@task()
def import_run(import_id: int) -> int:
    """Take in a queued import; returns how many rows it processed."""
    return imports.report_import_run(import_id=import_id).processed
