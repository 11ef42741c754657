"""Background work of reports (django-tasks; ``kuzet db_worker`` runs it).

Each task is defined beside the service that queues it, so services import nothing from here;
this module lists them, and keeps the path under which earlier queued tasks were stored.
"""

from __future__ import annotations

from kuzet.reports.services.imports import import_run, import_work

__all__ = ["import_run", "import_work"]
