"""A refused attachment is explained in the reporter's language, not in English."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation
from PIL import Image

from kuzet.reports.uploads import RejectionCode, UploadRejected, inspect_upload


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (20, 10), (220, 20, 20)).save(output, format="PNG")
    return output.getvalue()


PNG = _png()
# Words that stay as they are in every language: file formats and program names.
FORMAT_NAMES = frozenset(
    {"PNG", "JPEG", "WebP", "GIF", "PDF", "ZIP", "RAR", "gzip", "tar", "Word", "Excel", "SVG"}
    | {"XML", "png", "pdf", "exe"}
)
REFUSED = [
    pytest.param("x.png", b"", {}, RejectionCode.EMPTY, id="empty"),
    pytest.param("x.png", PNG, {"max_bytes": 10}, RejectionCode.TOO_LARGE, id="too-large"),
    pytest.param("notes.txt", b"hello", {}, RejectionCode.TYPE_NOT_ALLOWED, id="type"),
    pytest.param("a.zip", b"PK\x03\x04" + bytes(40), {}, RejectionCode.ARCHIVE_REFUSED, id="zip"),
    pytest.param("a.exe", b"MZ" + bytes(40), {}, RejectionCode.EXECUTABLE_REFUSED, id="exe"),
    pytest.param("a.html", b"<html></html>", {}, RejectionCode.MARKUP_REFUSED, id="html"),
    pytest.param("scan.exe", PNG, {}, RejectionCode.EXTENSION_MISMATCH, id="mismatch"),
    pytest.param("x.png", PNG, {"max_pixels": 100}, RejectionCode.PIXEL_LIMIT, id="pixels"),
    pytest.param("x.png", PNG[:40], {}, RejectionCode.IMAGE_UNREADABLE, id="unreadable"),
    pytest.param(
        "x.pdf",
        b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n",
        {},
        RejectionCode.PDF_ACTIVE_CONTENT,
        id="pdf-script",
    ),
]


def _refusal(name: str, data: bytes, limits: dict[str, int], language: str) -> UploadRejected:
    with translation.override(language), pytest.raises(UploadRejected) as raised:
        inspect_upload(name, data, **limits)
    return raised.value


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize(("name", "data", "limits", "code"), REFUSED)
def test_a_refused_file_is_explained_in_the_readers_language(
    name: str, data: bytes, limits: dict[str, int], code: RejectionCode, language: str
) -> None:
    refused = _refusal(name, data, limits, language)
    english = _refusal(name, data, limits, "en")

    assert refused.code == english.code == code
    assert refused.message != english.message
    assert set(re.findall(r"[A-Za-z]{2,}", refused.message)) <= FORMAT_NAMES
    assert refused.message.endswith(".")


def test_the_size_limit_is_written_in_the_readers_units() -> None:
    refused = _refusal("x.png", PNG + bytes(1024 * 1024), {"max_bytes": 1024 * 1024}, "kk")
    assert "1 МБ" in refused.message


def test_a_mislabelled_file_is_named_in_kazakh() -> None:
    refused = _refusal("scan.exe", PNG, {}, "kk")
    assert "PNG суреті" in refused.message
