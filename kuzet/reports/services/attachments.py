"""Attachments: the evidence files reporters and officers add to a report.

Stored by content (SHA-256) under ``MEDIA_ROOT/evidence``; the original bytes unchanged, and for
images a metadata-free preview beside them (see ``kuzet.reports.uploads``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from kuzet.reports.inputs import AttachmentInput
from kuzet.reports.models import Attachment, Report


def evidence_path(sha256: str, *, preview: bool = False) -> Path:
    """Content-addressed location of an attachment (or its preview) under MEDIA_ROOT."""
    name = f"{sha256}.preview" if preview else sha256
    return Path(settings.MEDIA_ROOT) / "evidence" / sha256[:2] / name


def attachment_store(
    *, report: Report, upload: AttachmentInput, added_by_reporter: bool
) -> Attachment:
    """Write an inspected upload and record it on the report.

    Files are written before the row commits; a file whose row never committed is an orphan
    that nothing refers to and nothing serves. Nothing removes such orphans yet.
    """
    inspected = upload.inspected
    original = evidence_path(inspected.sha256)
    original.parent.mkdir(parents=True, exist_ok=True)
    if not original.exists():
        temporary = original.with_suffix(".partial")
        temporary.write_bytes(upload.data)
        temporary.replace(original)
    if inspected.preview is not None:
        evidence_path(inspected.sha256, preview=True).write_bytes(inspected.preview)
    return Attachment.objects.create(
        report=report,
        sha256=inspected.sha256,
        safe_name=inspected.safe_name,
        content_type=inspected.content_type,
        size=inspected.size,
        has_preview=inspected.preview is not None,
        preview_content_type=inspected.preview_content_type or "",
        added_by_reporter=added_by_reporter,
        warnings=[warning.value for warning in inspected.warnings],
    )
