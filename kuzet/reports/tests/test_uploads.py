"""Tests for the attachment inspection in ``kuzet.reports.uploads`` (security.md E5, E6, D12, §4.7).

Every sample is generated here: images with Pillow, PDFs and headers by hand, archives with the
standard library. Nothing is read from disk.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import struct
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from kuzet.reports import uploads
from kuzet.reports.uploads import (
    ALLOWED_CONTENT_TYPES,
    MAX_NAME_LENGTH,
    InspectedUpload,
    RejectionCode,
    UploadRejected,
    UploadWarning,
    inspect_upload,
    safe_display_name,
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RED = (220, 20, 20)
BLUE = (20, 20, 220)
SECRET = b"kuzet-secret-metadata"
# Metadata keys Pillow reports in ``info`` for the formats accepted here.
METADATA_KEYS = frozenset({"exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp", "Author"})
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- Sample builders -------------------------------------------------------------------------


def pseudo_random_bytes(length: int, seed: bytes = b"kuzet") -> bytes:
    """Deterministic incompressible bytes, for samples that must be large or noisy."""
    return hashlib.shake_256(seed).digest(length)


def encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def two_colour_image(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: shows whether a preview was rotated."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image.convert(mode)


def gps_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: maker, orientation, and where the photo was taken (Almaty)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "KuzetPhone"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.ImageDescription] = SECRET.decode()
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (43.0, 14.0, 17.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (76.0, 53.0, 40.0),
    }
    return exif


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def png_text_info() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET.decode())
    return info


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    """A PNG chunk with its length and a correct CRC, so decoders get as far as the header."""
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` but carries almost no pixel data (pixel flood)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_dimensions(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF0) was rewritten to claim other dimensions."""
    data = bytearray(encode(two_colour_image(), "JPEG"))
    frame_header = data.index(b"\xff\xc0")
    data[frame_header + 5 : frame_header + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def gif_with_screen(width: int, height: int) -> bytes:
    """A real small GIF whose logical screen was rewritten to claim other dimensions."""
    data = bytearray(encode(two_colour_image(), "GIF"))
    data[6:10] = struct.pack("<HH", width, height)
    return bytes(data)


def animated_gif() -> bytes:
    frames = [Image.new("P", (30, 10), 0), Image.new("P", (30, 10), 1)]
    palette = [*RED, *BLUE] + [0] * (256 * 3 - 6)
    for frame in frames:
        frame.putpalette(palette)
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def transparent_png() -> bytes:
    image = Image.new("RGBA", (10, 10), (*RED, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    return encode(image, "PNG")


def transparent_gif() -> bytes:
    image = Image.new("P", (10, 10), 1)
    image.putpalette([*RED, *BLUE] + [0] * (256 * 3 - 6))
    image.putpixel((0, 0), 0)
    return encode(image, "GIF", transparency=0)


def pdf_document(
    catalog_entries: bytes = b"",
    extra_objects: tuple[bytes, ...] = (),
    trailer_entries: bytes = b"",
) -> bytes:
    """A small well-formed PDF (one empty page, a correct cross-reference table).

    ``extra_objects`` are numbered from 4 on; ``catalog_entries`` may refer to them.
    """
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_entries + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra_objects,
    )
    output = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    cross_reference = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_entries
    output += b" >>\nstartxref\n%d\n%%%%EOF\n" % cross_reference
    return bytes(output)


def object_stream(
    content: bytes, filter_entry: bytes = b"/Filter /FlateDecode", padding: bytes = b""
) -> bytes:
    """An object stream (PDF 1.5) holding object 4 0, compressed when the filter is Flate.

    ``padding`` lengthens the dictionary, as a file hiding the stream's type would.
    """
    header = b"4 0 "
    payload = header + content
    payload = zlib.compress(payload) if filter_entry == b"/Filter /FlateDecode" else payload
    return (
        b"<< /Type /ObjStm /Padding (%s) /N 1 /First %d %s /Length %d >>\nstream\n"
        % (padding, len(header), filter_entry, len(payload))
        + payload
        + b"\nendstream"
    )


def zip_archive(member_name: str = "screenshot.png") -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr(member_name, PNG_SMALL)
    return output.getvalue()


def tar_archive() -> bytes:
    output = io.BytesIO()
    with tarfile.open(fileobj=output, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        member = tarfile.TarInfo("screenshot.png")
        member.size = len(PNG_SMALL)
        archive.addfile(member, io.BytesIO(PNG_SMALL))
    return output.getvalue()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


# --- Samples ---------------------------------------------------------------------------------

PNG_SMALL = encode(two_colour_image((20, 10)), "PNG")
JPEG_SMALL = encode(two_colour_image(), "JPEG")
WEBP_SMALL = encode(two_colour_image((16, 8)), "WEBP", lossless=True)
GIF_SMALL = encode(two_colour_image((30, 10)), "GIF")
PDF_SMALL = pdf_document()
# Noise does not compress: a truncated copy is missing real pixel data, not just padding.
NOISE_IMAGE = Image.frombytes("RGB", (64, 64), pseudo_random_bytes(64 * 64 * 3))
PNG_NOISE = encode(NOISE_IMAGE, "PNG")
JPEG_NOISE = encode(NOISE_IMAGE, "JPEG")

JPEG_WITH_GPS = encode(
    two_colour_image(), "JPEG", exif=gps_exif(), icc_profile=srgb_profile(), comment=SECRET
)
PNG_WITH_METADATA = encode(
    two_colour_image(), "PNG", exif=gps_exif(), icc_profile=srgb_profile(), pnginfo=png_text_info()
)
WEBP_WITH_METADATA = encode(
    two_colour_image(), "WEBP", exif=gps_exif(), icc_profile=srgb_profile(), lossless=True
)
GIF_WITH_COMMENT = encode(two_colour_image(), "GIF", comment=SECRET)

ZIP_ARCHIVE = zip_archive()
DOCX_LIKE = zip_archive("[Content_Types].xml")
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

PDF_WITH_JAVASCRIPT = pdf_document(
    b"/OpenAction 4 0 R", (b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>",)
)
PDF_WITH_ESCAPED_JAVASCRIPT = pdf_document(
    b"/OpenAction 4 0 R", (b"<< /Type /Action /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",)
)
PDF_WITH_LAUNCH = pdf_document(
    b"/OpenAction 4 0 R", (b"<< /Type /Action /S /Launch /F (cmd.exe) >>",)
)
PDF_WITH_EMBEDDED_FILE = pdf_document(
    b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
    (b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>", b"<< /Type /EmbeddedFile >>"),
)
PDF_WITH_JAVASCRIPT_IN_OBJECT_STREAM = pdf_document(
    b"/OpenAction 4 0 R",
    (object_stream(b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"),),
)
PDF_WITH_JAVASCRIPT_IN_PADDED_OBJECT_STREAM = pdf_document(
    b"/OpenAction 4 0 R",
    (
        object_stream(
            b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>", padding=b"x" * 10_000
        ),
    ),
)
PDF_WITH_TRUNCATED_OBJECT_STREAM = PDF_WITH_JAVASCRIPT_IN_OBJECT_STREAM[
    : PDF_WITH_JAVASCRIPT_IN_OBJECT_STREAM.index(b"stream\n") + 12
]
PDF_WITH_BENIGN_OBJECT_STREAM = pdf_document(
    b"/Outlines 4 0 R", (object_stream(b"<< /Type /Outlines /Count 0 >>"),)
)
PDF_WITH_BENIGN_OPEN_ACTION = pdf_document(b"/OpenAction [3 0 R /Fit]")
PDF_ENCRYPTED_WITH_OBJECT_STREAM = pdf_document(
    b"",
    (object_stream(b"<< /Type /Outlines /Count 0 >>"), b"<< /Filter /Standard /V 2 >>"),
    b"/Encrypt 5 0 R",
)
PDF_ENCRYPTED_WITHOUT_OBJECT_STREAM = pdf_document(
    b"", (b"<< /Filter /Standard /V 2 >>",), b"/Encrypt 4 0 R"
)
PDF_WITH_DAMAGED_OBJECT_STREAM = pdf_document(
    b"",
    (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 20 >>\nstream\n"
        b"this is not deflate\nendstream",
    ),
)
PDF_WITH_HEX_OBJECT_STREAM = pdf_document(
    b"", (object_stream(b"3c3c3e3e", b"/Filter /ASCIIHexDecode"),)
)
PDF_WITH_HTML = pdf_document(b"/Lang (<html><script>alert(1)</script>)")

JPEG_POLYGLOT = encode(two_colour_image(), "JPEG", comment=b"<script>alert(1)</script>")
GIF_WITH_ZIP_APPENDED = GIF_SMALL + ZIP_ARCHIVE


# --- Accepted files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    (
        "original_name",
        "data",
        "content_type",
        "extension",
        "safe_name",
        "preview_content_type",
        "dimensions",
        "expected_warnings",
    ),
    [
        pytest.param(
            "Screenshot.png",
            PNG_SMALL,
            "image/png",
            "png",
            "Screenshot.png",
            "image/png",
            (20, 10),
            (),
            id="png",
        ),
        pytest.param(
            "photo.JPG",
            JPEG_SMALL,
            "image/jpeg",
            "jpg",
            "photo.jpg",
            "image/jpeg",
            (40, 20),
            (),
            id="jpeg-uppercase-extension",
        ),
        pytest.param(
            "photo.jpeg",
            JPEG_SMALL,
            "image/jpeg",
            "jpg",
            "photo.jpg",
            "image/jpeg",
            (40, 20),
            (),
            id="jpeg-long-extension",
        ),
        pytest.param(
            "chat.webp",
            WEBP_SMALL,
            "image/webp",
            "webp",
            "chat.webp",
            "image/png",
            (16, 8),
            (),
            id="webp",
        ),
        pytest.param(
            "sticker.gif",
            GIF_SMALL,
            "image/gif",
            "gif",
            "sticker.gif",
            "image/png",
            (30, 10),
            (),
            id="gif",
        ),
        pytest.param(
            "statement.pdf",
            PDF_SMALL,
            "application/pdf",
            "pdf",
            "statement.pdf",
            None,
            None,
            (),
            id="pdf",
        ),
        pytest.param(
            "Скриншот перевода Kaspi.PDF",
            PDF_SMALL,
            "application/pdf",
            "pdf",
            "Скриншот перевода Kaspi.pdf",
            None,
            None,
            (),
            id="cyrillic-name",
        ),
        pytest.param(
            "shot.jpg",
            PNG_SMALL,
            "image/png",
            "png",
            "shot.png",
            "image/png",
            (20, 10),
            (UploadWarning.EXTENSION_CORRECTED,),
            id="png-named-jpg",
        ),
        pytest.param(
            "IMG_0001.heic",
            JPEG_SMALL,
            "image/jpeg",
            "jpg",
            "IMG_0001.jpg",
            "image/jpeg",
            (40, 20),
            (UploadWarning.EXTENSION_CORRECTED,),
            id="jpeg-named-heic",
        ),
        pytest.param(
            "screenshot",
            PNG_SMALL,
            "image/png",
            "png",
            "screenshot.png",
            "image/png",
            (20, 10),
            (),
            id="no-extension",
        ),
        pytest.param(
            "Screenshot 2024-10-05 at 12.30.45",
            PNG_SMALL,
            "image/png",
            "png",
            "Screenshot 2024-10-05 at 12_30_45.png",
            "image/png",
            (20, 10),
            (),
            id="digits-are-not-an-extension",
        ),
        pytest.param(
            "../../etc/passwd",
            PDF_SMALL,
            "application/pdf",
            "pdf",
            "passwd.pdf",
            None,
            None,
            (),
            id="path-traversal",
        ),
        pytest.param(
            "x.php.png",
            PNG_SMALL,
            "image/png",
            "png",
            "x_php.png",
            "image/png",
            (20, 10),
            (),
            id="inner-extension-neutralised",
        ),
        pytest.param(
            "go.pdf",
            PDF_WITH_BENIGN_OPEN_ACTION,
            "application/pdf",
            "pdf",
            "go.pdf",
            None,
            None,
            (),
            id="pdf-open-action-without-script",
        ),
        pytest.param(
            "go.pdf",
            PDF_WITH_BENIGN_OBJECT_STREAM,
            "application/pdf",
            "pdf",
            "go.pdf",
            None,
            None,
            (),
            id="pdf-object-stream-without-script",
        ),
        pytest.param(
            "go.pdf",
            PDF_ENCRYPTED_WITHOUT_OBJECT_STREAM,
            "application/pdf",
            "pdf",
            "go.pdf",
            None,
            None,
            (),
            id="pdf-encrypted-without-object-stream",
        ),
        pytest.param(
            "poly.jpg",
            JPEG_POLYGLOT,
            "image/jpeg",
            "jpg",
            "poly.jpg",
            "image/jpeg",
            (40, 20),
            (UploadWarning.EMBEDDED_MARKUP,),
            id="jpeg-html-polyglot",
        ),
        pytest.param(
            "gifar.gif",
            GIF_WITH_ZIP_APPENDED,
            "image/gif",
            "gif",
            "gifar.gif",
            "image/png",
            (30, 10),
            (UploadWarning.EMBEDDED_ARCHIVE,),
            id="gif-zip-polyglot",
        ),
        pytest.param(
            "page.pdf",
            PDF_WITH_HTML,
            "application/pdf",
            "pdf",
            "page.pdf",
            None,
            None,
            (UploadWarning.EMBEDDED_MARKUP,),
            id="pdf-html-polyglot",
        ),
    ],
)
def test_accepted_files_are_described(
    original_name: str,
    data: bytes,
    content_type: str,
    extension: str,
    safe_name: str,
    preview_content_type: str | None,
    dimensions: tuple[int, int] | None,
    expected_warnings: tuple[UploadWarning, ...],
) -> None:
    inspected = inspect_upload(original_name, data)

    assert inspected.content_type == content_type
    assert inspected.content_type in ALLOWED_CONTENT_TYPES
    assert inspected.extension == extension
    assert inspected.safe_name == safe_name
    assert inspected.preview_content_type == preview_content_type
    assert (inspected.width, inspected.height) == (dimensions or (None, None))
    assert inspected.warnings == expected_warnings
    assert inspected.size == len(data)
    assert inspected.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("original_name", "data"),
    [
        pytest.param("a.png", PNG_SMALL, id="png"),
        pytest.param("a.jpg", JPEG_WITH_GPS, id="jpeg"),
        pytest.param("a.webp", WEBP_SMALL, id="webp"),
        pytest.param("a.gif", GIF_SMALL, id="gif"),
    ],
)
def test_image_preview_is_a_decodable_image_of_the_same_size_and_not_the_original(
    original_name: str, data: bytes
) -> None:
    inspected = inspect_upload(original_name, data)

    assert inspected.preview is not None
    assert inspected.preview != data
    assert inspected.sha256 != hashlib.sha256(inspected.preview).hexdigest()
    with Image.open(io.BytesIO(inspected.preview)) as preview:
        assert (
            preview.format
            == {"image/png": "PNG", "image/jpeg": "JPEG"}[str(inspected.preview_content_type)]
        )
        assert preview.size == (inspected.width, inspected.height)


def test_pdf_has_no_preview() -> None:
    inspected = inspect_upload("statement.pdf", PDF_SMALL)

    assert inspected == InspectedUpload(
        safe_name="statement.pdf",
        content_type="application/pdf",
        extension="pdf",
        size=len(PDF_SMALL),
        sha256=hashlib.sha256(PDF_SMALL).hexdigest(),
        preview=None,
        preview_content_type=None,
        width=None,
        height=None,
        warnings=(),
    )


# --- Metadata stripping (D12) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("original_name", "data", "metadata_in_original"),
    [
        pytest.param(
            "gps.jpg", JPEG_WITH_GPS, {"exif", "icc_profile", "comment"}, id="jpeg-gps-icc-comment"
        ),
        pytest.param(
            "gps.png", PNG_WITH_METADATA, {"exif", "icc_profile", "Author"}, id="png-exif-icc-text"
        ),
        pytest.param("gps.webp", WEBP_WITH_METADATA, {"exif", "icc_profile"}, id="webp-exif-icc"),
        pytest.param("comment.gif", GIF_WITH_COMMENT, {"comment"}, id="gif-comment"),
    ],
)
def test_preview_carries_no_metadata(
    original_name: str, data: bytes, metadata_in_original: set[str]
) -> None:
    with Image.open(io.BytesIO(data)) as original:
        assert metadata_in_original <= original.info.keys()

    inspected = inspect_upload(original_name, data)

    assert inspected.preview is not None
    with Image.open(io.BytesIO(inspected.preview)) as preview:
        assert len(preview.getexif()) == 0
        assert preview.info.keys() & METADATA_KEYS == set()
    assert SECRET not in inspected.preview
    assert b"Exif\x00\x00" not in inspected.preview
    assert inspected.sha256 == hashlib.sha256(data).hexdigest()


def test_gps_position_of_a_photo_does_not_reach_the_preview() -> None:
    with Image.open(io.BytesIO(JPEG_WITH_GPS)) as original:
        gps_in_original = original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert gps_in_original[ExifTags.GPS.GPSLatitude] == (43.0, 14.0, 17.0)

    preview = inspect_upload("gps.jpg", JPEG_WITH_GPS).preview

    assert preview is not None
    with Image.open(io.BytesIO(preview)) as preview_image:
        assert dict(preview_image.getexif().get_ifd(ExifTags.IFD.GPSInfo)) == {}


def test_exif_orientation_is_applied_before_the_metadata_is_dropped() -> None:
    # Orientation 6: the camera was turned; the picture must be rotated 90° clockwise to show
    # upright, so the red left half of the stored pixels ends up at the top.
    data = encode(two_colour_image((40, 20)), "JPEG", exif=gps_exif(orientation=6))

    inspected = inspect_upload("rotated.jpg", data)

    assert (inspected.width, inspected.height) == (20, 40)
    assert inspected.preview is not None
    with Image.open(io.BytesIO(inspected.preview)) as preview:
        assert preview.size == (20, 40)
        top = preview.getpixel((10, 5))
        bottom = preview.getpixel((10, 34))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert max(abs(channel - target) for channel, target in zip(top, RED, strict=True)) < 40
    assert max(abs(channel - target) for channel, target in zip(bottom, BLUE, strict=True)) < 40


@pytest.mark.parametrize(
    ("original_name", "data", "preview_mode", "first_pixel"),
    [
        pytest.param("alpha.png", transparent_png(), "RGBA", (0, 0, 0, 0), id="png-alpha"),
        pytest.param("alpha.gif", transparent_gif(), "RGBA", (*RED, 0), id="gif-transparency"),
        pytest.param("animated.gif", animated_gif(), "RGB", RED, id="gif-first-frame"),
        pytest.param(
            "grey.png", encode(Image.new("L", (8, 8), 77), "PNG"), "L", 77, id="greyscale"
        ),
        pytest.param(
            "cmyk.jpg",
            encode(Image.new("CMYK", (8, 8), (0, 0, 0, 0)), "JPEG", quality=100),
            "RGB",
            (255, 255, 255),
            id="cmyk-jpeg",
        ),
    ],
)
def test_preview_keeps_transparency_and_uses_the_first_frame(
    original_name: str, data: bytes, preview_mode: str, first_pixel: object
) -> None:
    preview = inspect_upload(original_name, data).preview

    assert preview is not None
    with Image.open(io.BytesIO(preview)) as preview_image:
        assert preview_image.mode == preview_mode
        assert preview_image.getpixel((0, 0)) == first_pixel


# --- Refused files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original_name", "data", "code"),
    [
        pytest.param("x.png", b"", RejectionCode.EMPTY, id="empty"),
        pytest.param("evidence.zip", ZIP_ARCHIVE, RejectionCode.ARCHIVE_REFUSED, id="zip"),
        pytest.param("x.png", ZIP_ARCHIVE, RejectionCode.ARCHIVE_REFUSED, id="zip-named-png"),
        pytest.param("statement.docx", DOCX_LIKE, RejectionCode.ARCHIVE_REFUSED, id="docx"),
        pytest.param(
            "x.gz", gzip.compress(b"hello", mtime=0), RejectionCode.ARCHIVE_REFUSED, id="gzip"
        ),
        pytest.param("x.tar", tar_archive(), RejectionCode.ARCHIVE_REFUSED, id="tar"),
        pytest.param(
            "x.rar", b"Rar!\x1a\x07\x01\x00" + bytes(64), RejectionCode.ARCHIVE_REFUSED, id="rar"
        ),
        pytest.param(
            "x.7z",
            b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(64),
            RejectionCode.ARCHIVE_REFUSED,
            id="7z",
        ),
        pytest.param(
            "old.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64),
            RejectionCode.ARCHIVE_REFUSED,
            id="ole2-office",
        ),
        pytest.param(
            "photo.png",
            b"\x7fELF\x02\x01\x01\x00" + bytes(56),
            RejectionCode.EXECUTABLE_REFUSED,
            id="elf",
        ),
        pytest.param(
            "setup.exe",
            b"MZ\x90\x00\x03\x00" + bytes(58),
            RejectionCode.EXECUTABLE_REFUSED,
            id="windows-pe",
        ),
        pytest.param(
            "app",
            b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(56),
            RejectionCode.EXECUTABLE_REFUSED,
            id="mach-o",
        ),
        pytest.param(
            "run.png", b"#!/bin/sh\nrm -rf ~\n", RejectionCode.EXECUTABLE_REFUSED, id="shebang"
        ),
        pytest.param("page.png", HTML_PAGE, RejectionCode.MARKUP_REFUSED, id="html-named-png"),
        pytest.param(
            "page.png",
            b"\xef\xbb\xbf\n   " + HTML_PAGE,
            RejectionCode.MARKUP_REFUSED,
            id="html-with-bom-and-whitespace",
        ),
        pytest.param(
            "page.png",
            ("\ufeff" + HTML_PAGE.decode()).encode("utf-16-le"),
            RejectionCode.MARKUP_REFUSED,
            id="html-utf16",
        ),
        pytest.param("logo.svg", SVG_WITH_SCRIPT, RejectionCode.MARKUP_REFUSED, id="svg-script"),
        pytest.param("logo.png", SVG_WITH_SCRIPT, RejectionCode.MARKUP_REFUSED, id="svg-named-png"),
        pytest.param(
            "data.xml", b"<?xml version='1.0'?><a/>", RejectionCode.MARKUP_REFUSED, id="xml"
        ),
        pytest.param(
            "notes.txt",
            b"Kaspi transfer 50 000 KZT to +7 701 000 00 00",
            RejectionCode.TYPE_NOT_ALLOWED,
            id="plain-text",
        ),
        pytest.param(
            "x.bmp", encode(two_colour_image(), "BMP"), RejectionCode.TYPE_NOT_ALLOWED, id="bmp"
        ),
        pytest.param(
            "x.tiff",
            encode(two_colour_image(), "TIFF"),
            RejectionCode.TYPE_NOT_ALLOWED,
            id="tiff",
        ),
        pytest.param(
            "x.pdf",
            b"  %PDF-1.7\n" + PDF_SMALL[9:],
            RejectionCode.TYPE_NOT_ALLOWED,
            id="pdf-signature-not-at-start",
        ),
        pytest.param("scan.png", PDF_SMALL, RejectionCode.EXTENSION_MISMATCH, id="pdf-named-png"),
        pytest.param("scan.pdf", PNG_SMALL, RejectionCode.EXTENSION_MISMATCH, id="png-named-pdf"),
        pytest.param(
            "x.jpg.php", JPEG_SMALL, RejectionCode.EXTENSION_MISMATCH, id="double-extension"
        ),
        pytest.param(
            "a.pdf\x00.php", PDF_SMALL, RejectionCode.EXTENSION_MISMATCH, id="nul-in-name"
        ),
        pytest.param(
            "photo\u202egpj.exe",
            PNG_SMALL,
            RejectionCode.EXTENSION_MISMATCH,
            id="right-to-left-override",
        ),
        pytest.param("logo.svg", PNG_SMALL, RejectionCode.EXTENSION_MISMATCH, id="png-named-svg"),
        pytest.param("x.html", PNG_SMALL, RejectionCode.EXTENSION_MISMATCH, id="png-named-html"),
        pytest.param(
            "flood.png",
            png_header_only(65535, 65535),
            RejectionCode.PIXEL_LIMIT,
            id="png-pixel-flood",
        ),
        pytest.param(
            "big.png",
            png_header_only(8000, 6000),
            RejectionCode.PIXEL_LIMIT,
            id="png-over-own-limit",
        ),
        pytest.param(
            "huge.jpg",
            jpeg_with_dimensions(65500, 65500),
            RejectionCode.PIXEL_LIMIT,
            id="jpeg-huge-header",
        ),
        pytest.param(
            "huge.jpg",
            jpeg_with_dimensions(8000, 6000),
            RejectionCode.PIXEL_LIMIT,
            id="jpeg-over-own-limit",
        ),
        pytest.param(
            "huge.gif",
            gif_with_screen(65535, 65535),
            RejectionCode.PIXEL_LIMIT,
            id="gif-huge-screen",
        ),
        pytest.param(
            "cut.png", truncated(PNG_NOISE), RejectionCode.IMAGE_UNREADABLE, id="truncated-png"
        ),
        pytest.param(
            "cut.jpg", truncated(JPEG_NOISE), RejectionCode.IMAGE_UNREADABLE, id="truncated-jpeg"
        ),
        pytest.param(
            "x.png",
            PNG_SIGNATURE + b"not a png at all" * 4,
            RejectionCode.IMAGE_UNREADABLE,
            id="png-signature-then-garbage",
        ),
        pytest.param(
            "x.webp",
            b"RIFF\x20\x00\x00\x00WEBPVP8 " + bytes(24),
            RejectionCode.IMAGE_UNREADABLE,
            id="webp-garbage",
        ),
        pytest.param(
            "x.png", png_header_only(0, 10), RejectionCode.IMAGE_UNREADABLE, id="png-zero-width"
        ),
        pytest.param(
            "js.pdf", PDF_WITH_JAVASCRIPT, RejectionCode.PDF_ACTIVE_CONTENT, id="pdf-javascript"
        ),
        pytest.param(
            "js.pdf",
            PDF_WITH_ESCAPED_JAVASCRIPT,
            RejectionCode.PDF_ACTIVE_CONTENT,
            id="pdf-javascript-hex-escaped-name",
        ),
        pytest.param(
            "js.pdf",
            PDF_WITH_JAVASCRIPT_IN_OBJECT_STREAM,
            RejectionCode.PDF_ACTIVE_CONTENT,
            id="pdf-javascript-in-object-stream",
        ),
        pytest.param(
            "js.pdf",
            PDF_WITH_JAVASCRIPT_IN_PADDED_OBJECT_STREAM,
            RejectionCode.PDF_ACTIVE_CONTENT,
            id="pdf-javascript-in-object-stream-with-long-dictionary",
        ),
        pytest.param(
            "cut.pdf",
            PDF_WITH_TRUNCATED_OBJECT_STREAM,
            RejectionCode.PDF_UNREADABLE,
            id="pdf-object-stream-without-end",
        ),
        pytest.param("run.pdf", PDF_WITH_LAUNCH, RejectionCode.PDF_ACTIVE_CONTENT, id="pdf-launch"),
        pytest.param(
            "att.pdf",
            PDF_WITH_EMBEDDED_FILE,
            RejectionCode.PDF_ACTIVE_CONTENT,
            id="pdf-embedded-file",
        ),
        pytest.param(
            "locked.pdf",
            PDF_ENCRYPTED_WITH_OBJECT_STREAM,
            RejectionCode.PDF_ENCRYPTED,
            id="pdf-encrypted-object-stream",
        ),
        pytest.param(
            "bad.pdf",
            PDF_WITH_DAMAGED_OBJECT_STREAM,
            RejectionCode.PDF_UNREADABLE,
            id="pdf-damaged-object-stream",
        ),
        pytest.param(
            "hex.pdf",
            PDF_WITH_HEX_OBJECT_STREAM,
            RejectionCode.PDF_UNREADABLE,
            id="pdf-object-stream-other-filter",
        ),
        pytest.param(
            "many.pdf",
            b"%PDF-1.7\n" + b"stream\n" * 50_001,
            RejectionCode.PDF_UNREADABLE,
            id="pdf-too-many-streams",
        ),
    ],
)
def test_refused_files_say_why(original_name: str, data: bytes, code: RejectionCode) -> None:
    with pytest.raises(UploadRejected) as raised:
        inspect_upload(original_name, data)

    assert raised.value.code == code
    assert str(raised.value) == raised.value.message
    assert raised.value.message[0].isupper()
    assert raised.value.message.endswith(".")


def test_pdf_whose_object_streams_inflate_beyond_the_budget_is_refused() -> None:
    # 65 MiB of zeros deflate to about 65 KB: a zip bomb hidden in an object stream.
    bomb = pdf_document(b"", (object_stream(bytes(65 * 1024 * 1024)),))
    assert len(bomb) < 100_000

    with pytest.raises(UploadRejected) as raised:
        inspect_upload("bomb.pdf", bomb)

    assert raised.value.code == RejectionCode.PDF_UNREADABLE


def test_active_content_samples_hide_their_javascript_from_a_plain_search() -> None:
    # The escaped and object-stream samples are only meaningful if a naive scan would miss them.
    assert b"/JavaScript" not in PDF_WITH_ESCAPED_JAVASCRIPT
    assert b"/JavaScript" not in PDF_WITH_JAVASCRIPT_IN_OBJECT_STREAM
    assert b"/JavaScript" not in PDF_WITH_JAVASCRIPT_IN_PADDED_OBJECT_STREAM


@pytest.mark.parametrize(
    ("extension_in_name", "message"),
    [
        pytest.param(
            "pdf",
            "The file name ends in .pdf but the file is a PNG image; rename it to end in .png "
            "and try again.",
            id="pdf",
        ),
        pytest.param(
            "exe",
            "The file name ends in .exe but the file is a PNG image; rename it to end in .png "
            "and try again.",
            id="exe",
        ),
    ],
)
def test_extension_mismatch_message_names_both_types(extension_in_name: str, message: str) -> None:
    with pytest.raises(UploadRejected) as raised:
        inspect_upload(f"scan.{extension_in_name}", PNG_SMALL)

    assert raised.value.message == message


def test_type_not_allowed_message_says_what_to_do() -> None:
    with pytest.raises(UploadRejected) as raised:
        inspect_upload("notes.txt", b"hello")

    assert raised.value.message == (
        "Only PNG, JPEG, WebP and GIF screenshots and PDF documents can be attached; "
        "convert the file and try again."
    )


# --- Limits ----------------------------------------------------------------------------------


def test_size_limit_is_inclusive() -> None:
    accepted = inspect_upload("x.png", PNG_SMALL, max_bytes=len(PNG_SMALL))
    with pytest.raises(UploadRejected) as raised:
        inspect_upload("x.png", PNG_SMALL, max_bytes=len(PNG_SMALL) - 1)

    assert accepted.size == len(PNG_SMALL)
    assert raised.value.code == RejectionCode.TOO_LARGE


def test_size_limit_message_gives_the_limit_in_megabytes() -> None:
    with pytest.raises(UploadRejected) as raised:
        inspect_upload("x.png", PNG_SMALL + bytes(10 * 1024 * 1024))

    assert raised.value.message == (
        "The file is larger than 10 MB; attach a smaller screenshot or split the document into "
        "smaller PDFs and try again."
    )


def test_pixel_limit_is_inclusive() -> None:
    # PNG_SMALL is 20 × 10 = 200 pixels.
    accepted = inspect_upload("x.png", PNG_SMALL, max_pixels=200)
    with pytest.raises(UploadRejected) as raised:
        inspect_upload("x.png", PNG_SMALL, max_pixels=199)

    assert (accepted.width, accepted.height) == (20, 10)
    assert raised.value.code == RejectionCode.PIXEL_LIMIT


def test_pixel_limit_above_pillows_own_limit_is_a_programming_error() -> None:
    assert Image.MAX_IMAGE_PIXELS is not None

    with pytest.raises(ValueError, match="exceeds Pillow's limit") as raised:
        inspect_upload("x.png", PNG_SMALL, max_pixels=Image.MAX_IMAGE_PIXELS + 1)

    assert type(raised.value) is ValueError


def large_pdf() -> bytes:
    """A PDF of about 10 MB, nearly all of it one incompressible stream (a scanned page)."""
    page_stream = b"<< /Length 10400000 >>\nstream\n" + pseudo_random_bytes(10_400_000)
    return pdf_document(b"", (page_stream + b"\nendstream",))


def large_jpeg() -> bytes:
    """A JPEG of about 10 MB: a noisy photo, the slowest kind of image to decode and encode."""
    noise = Image.frombytes("RGB", (3500, 2400), pseudo_random_bytes(3500 * 2400 * 3))
    return encode(noise, "JPEG", quality=95)


def large_png() -> bytes:
    """A PNG of about 10 MB: a noisy picture, which PNG cannot compress (worst case)."""
    noise = Image.frombytes("RGB", (1800, 1800), pseudo_random_bytes(1800 * 1800 * 3))
    return encode(noise, "PNG")


@pytest.mark.parametrize(
    ("original_name", "build"),
    [
        pytest.param("big.pdf", large_pdf, id="pdf"),
        pytest.param("photo.jpg", large_jpeg, id="jpeg"),
        pytest.param("noise.png", large_png, id="png"),
    ],
)
def test_a_ten_megabyte_file_is_inspected_whole(
    original_name: str, build: Callable[[], bytes]
) -> None:
    # Speed is measured in benchmarks, not asserted here: this checks the result at full size.
    data = build()
    assert 9 * 1024 * 1024 < len(data) <= 10 * 1024 * 1024

    inspected = inspect_upload(original_name, data)

    assert inspected.size == len(data)
    assert inspected.sha256 == hashlib.sha256(data).hexdigest()


def test_polyglot_markup_does_not_reach_the_preview() -> None:
    assert b"<script" in JPEG_POLYGLOT

    preview = inspect_upload("poly.jpg", JPEG_POLYGLOT).preview

    assert preview is not None
    assert b"<script" not in preview


# --- Display names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original_name", "safe_name"),
    [
        pytest.param("../../etc/passwd", "passwd.png", id="posix-traversal"),
        pytest.param("..\\..\\win.ini", "win_ini.png", id="windows-traversal"),
        pytest.param("/abs/path.png", "path.png", id="absolute-posix"),
        pytest.param("C:\\x.png", "x.png", id="absolute-windows"),
        pytest.param("C:x.png", "C_x.png", id="drive-relative-windows"),
        pytest.param("file.png:evil.exe", "file_png_evil_exe.png", id="alternate-data-stream"),
        pytest.param("CON.png", "_CON.png", id="windows-device"),
        pytest.param("con", "_con.png", id="windows-device-without-extension"),
        pytest.param("COM1.jpg", "_COM1.png", id="windows-serial-port"),
        pytest.param("LPT¹.gif", "_LPT¹.png", id="windows-printer-superscript"),
        pytest.param("a" * 300 + ".png", "a" * 96 + ".png", id="300-characters"),
        pytest.param("a.pdf\x00.php", "a_pdf_php.png", id="nul"),
        pytest.param("photo\u202egpj.exe", "photogpj_exe.png", id="right-to-left-override"),
        pytest.param("inv\u200boice\u2066.png\u2069", "invoice.png", id="zero-width-and-isolates"),
        pytest.param("cafe\u0301.png", "caf\u00e9.png", id="nfd-becomes-nfc"),
        pytest.param("caf\u00e9.png", "caf\u00e9.png", id="nfc-stays"),
        pytest.param("x.jpg.php", "x_jpg_php.png", id="double-extension"),
        pytest.param("report.png. . .", "report.png", id="trailing-dots-and-spaces"),
        pytest.param("  report  \t final.png", "report final.png", id="whitespace-collapsed"),
        pytest.param("line\nbreak\r.png", "linebreak.png", id="line-breaks"),
        pytest.param(".htaccess", "htaccess.png", id="leading-dot"),
        pytest.param("-rf.png", "rf.png", id="leading-dash"),
        pytest.param("", "attachment.png", id="empty"),
        pytest.param(" . ", "attachment.png", id="only-dots-and-spaces"),
        pytest.param("/", "attachment.png", id="only-separator"),
        pytest.param("．．／etc／passwd", "___etc_passwd.png", id="fullwidth-traversal"),
        pytest.param("\u2100.png", "_.png", id="compatibility-slash"),
        pytest.param('a<b>c:d"e|f?g*h.png', "a_b_c_d_e_f_g_h.png", id="windows-forbidden"),
        pytest.param("image.jpg_large", "image_jpg_large.png", id="suffix-is-not-an-extension"),
        pytest.param("Қазақстан.png", "Қазақстан.png", id="kazakh-letters"),
    ],
)
def test_safe_display_name(original_name: str, safe_name: str) -> None:
    assert safe_display_name(original_name, "png") == safe_name


def test_long_name_keeps_its_extension_within_the_limit() -> None:
    name = safe_display_name("ж" * 300 + ".pdf", "pdf")

    assert name == "ж" * 96 + ".pdf"
    assert len(name) == MAX_NAME_LENGTH


class _NormalizeSpy:
    """``unicodedata`` for the uploads module, recording the length of every normalised text."""

    def __init__(self) -> None:
        self.lengths: list[int] = []

    def normalize(self, form: str, text: str) -> str:
        self.lengths.append(len(text))
        return unicodedata.normalize(form, text)

    def __getattr__(self, name: str) -> object:
        return getattr(unicodedata, name)


def test_a_megabyte_long_name_is_cut_before_any_unicode_work(monkeypatch) -> None:
    # A megabyte of combining marks would cost seconds in NFC and the per-character checks;
    # the name is cut to its last _NAME_INPUT_LIMIT characters first (a bound, not a timing).
    spy = _NormalizeSpy()
    monkeypatch.setattr(uploads, "unicodedata", spy)
    original_name = "a" + "\u0301" * 1_000_000 + ".png"

    name = safe_display_name(original_name, "png")

    assert spy.lengths
    assert max(spy.lengths) <= uploads._NAME_INPUT_LIMIT
    assert name.endswith(".png")
    assert len(name) <= MAX_NAME_LENGTH


def test_safe_display_name_refuses_an_extension_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="Not a file extension"):
        safe_display_name("x", "png/../x")


# --- Properties ------------------------------------------------------------------------------

BIDI_AND_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def assert_safe_name(name: str, extension: str) -> None:
    """What every display name must be, whatever was sent (E10, §4.7)."""
    assert 0 < len(name) <= MAX_NAME_LENGTH
    assert name.endswith("." + extension)
    assert name.count(".") == 1
    assert unicodedata.is_normalized("NFC", name)
    assert not any(character in name for character in "/\\\x00:")
    assert not any(unicodedata.category(c) in BIDI_AND_INVISIBLE_CATEGORIES for c in name)
    assert not any(character in unicodedata.normalize("NFKC", name) for character in "/\\")
    assert name == name.strip()
    assert not name.startswith(("-", "."))


@SETTINGS
@given(original_name=st.text(max_size=400), extension=st.sampled_from(["png", "jpg", "pdf"]))
def test_any_name_becomes_a_safe_name(original_name: str, extension: str) -> None:
    assert_safe_name(safe_display_name(original_name, extension), extension)


@SETTINGS
@given(original_name=st.text(max_size=400))
def test_an_accepted_upload_has_the_safe_name(original_name: str) -> None:
    inspected = inspect_upload(original_name + ".png", PNG_SMALL)

    assert inspected.safe_name == safe_display_name(original_name + ".png", "png")
    assert_safe_name(inspected.safe_name, "png")


@SETTINGS
@given(original_name=st.text(max_size=200), data=st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise_anything_but_upload_rejected(
    original_name: str, data: bytes
) -> None:
    with contextlib.suppress(UploadRejected):
        inspect_upload(original_name, data)


SIGNATURES = (
    PNG_SIGNATURE,
    b"\xff\xd8\xff",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"GIF89a",
    b"GIF87a",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"RIFF\x00\x10\x00\x00WEBPVP8L",
    b"RIFF\x00\x10\x00\x00WEBPVP8X",
    b"%PDF-1.7\n",
    b"%PDF-1.7\n1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n",
)


@SETTINGS
@given(
    data=st.builds(bytes.__add__, st.sampled_from(SIGNATURES), st.binary(min_size=0, max_size=4096))
)
def test_accepted_signatures_followed_by_garbage_never_raise_anything_else(data: bytes) -> None:
    with contextlib.suppress(UploadRejected):
        inspect_upload("x", data)


VALID_SAMPLES = (
    PNG_SMALL,
    PNG_NOISE,
    JPEG_WITH_GPS,
    JPEG_NOISE,
    WEBP_WITH_METADATA,
    encode(NOISE_IMAGE, "WEBP", quality=50),
    GIF_SMALL,
    animated_gif(),
    PDF_WITH_BENIGN_OBJECT_STREAM,
)


@st.composite
def damaged_samples(draw: st.DrawFn) -> bytes:
    """A valid sample with a few bytes overwritten and possibly its end cut off."""
    sample = bytearray(draw(st.sampled_from(VALID_SAMPLES)))
    positions = draw(st.lists(st.integers(0, len(sample) - 1), max_size=8))
    for position in positions:
        sample[position] = draw(st.integers(0, 255))
    return bytes(sample[: draw(st.integers(1, len(sample)))])


@SETTINGS
@given(data=damaged_samples())
def test_damaged_images_and_pdfs_never_raise_anything_else(data: bytes) -> None:
    with contextlib.suppress(UploadRejected):
        inspect_upload("x", data)
