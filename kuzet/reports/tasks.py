"""Background work of intake (django-tasks; ``kuzet db_worker`` runs it)."""

from __future__ import annotations

from django_tasks import task

from kuzet.reports.services import imports


@task()
def import_work() -> int:
    """Take chunks of waiting imports, one at a time and fairly across partners, until none wait.

    Every new import enqueues this task; a run that finds the work already taken by another ends
    at once. Each chunk is chosen afresh, so an import created while this runs is served next
    if its partner has waited longest. Returns how many chunks this run took.
    """
    chunks = 0
    while imports.report_import_work_next() is not None:
        chunks += 1
    return chunks
