"""Inspection of files attached to fraud reports, before anything is stored.

A citizen or an officer attaches screenshots and PDF documents to a report. ``inspect_upload``
decides, from the bytes alone, whether such a file may be kept, and returns what the caller
needs to store it safely (security.md E5, D12; bad inputs from §4.7):

- the type comes from the magic bytes, never from the name or the browser's content type; only
  PNG, JPEG, WebP, GIF and PDF are accepted. Archives (ZIP, and so DOCX/XLSX, RAR, 7z, gzip,
  tar, ...), programs and scripts, HTML, SVG and XML are refused with their own codes, so the
  reporter is told what to do instead. Archives are refused rather than inspected (E6): nothing a
  reporter needs to attach comes zipped, and Python 3.11.7 still has CVE-2024-0450.
- the SHA-256 is taken over the original bytes, which the caller stores unchanged (chain of
  custody, D12); everything shown to people or passed to partners is a derivative.
- images are decoded with Pillow after their header dimensions were checked against a pixel
  limit, and re-encoded into a ``preview`` that carries pixels only: no EXIF (so no GPS), no XMP,
  no ICC profile, no comments. The EXIF orientation is applied first, so that a phone photo does
  not turn sideways once its metadata is gone.
- PDFs are scanned for the names that make a reader run code or leave the document (JavaScript,
  launch actions, embedded files, ...). This is a heuristic byte scan, not a PDF parser: it reads
  the raw file (with "#xx" name escapes decoded) and the object streams (where a modern PDF
  hides its dictionaries), and refuses what it cannot check (encrypted object streams, object
  streams with other filters or damaged ones). It finds stream boundaries by keyword, not by
  parsing, so a PDF crafted to mislead it (decoy "stream" keywords inside strings, a predictor
  on an object stream) can still hide a script: it raises the bar, and PDFs must still be shown
  only in a viewer with scripts off (pdf.js in the browser) or as a download.

Decisions a caller should know:

- An image whose name claims another image type (a PNG named ``.jpg``, a JPEG named ``.heic``) is
  accepted: phones and messengers mislabel screenshots all the time, the content was decoded as
  the detected type, the display name gets the right extension and the mismatch is flagged with
  ``UploadWarning.EXTENSION_CORRECTED``. A PDF named as an image, an image named ``.pdf`` and any
  name ending in an extension that is not an image or PDF extension (``.php``, ``.exe``,
  ``.html``) are refused as ``extension_mismatch``. A suffix that does not look like an extension
  (digits only, as in ``12.30.45``, or non-ASCII) is treated as part of the name.
- Polyglots (an image or PDF that also contains ``<script``, ``<html``, a ZIP, ...) are accepted
  and flagged in ``warnings``: the original is only ever served as an ``attachment`` download
  with ``X-Content-Type-Options: nosniff`` and the preview is re-encoded, so the extra bytes never
  reach a browser as markup. A case officer can still see the flag.
- ``safe_name`` is for display and for the RFC 6266 ``filename`` of a download only; files are
  stored under generated names (E5). Dots inside the name become ``_`` so that no name has two
  extensions (``x.php.jpg`` becomes ``x_php.jpg``), whatever a web server later makes of them.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "InspectedUpload",
    "RejectionCode",
    "UploadRejected",
    "UploadWarning",
    "inspect_upload",
    "safe_display_name",
]

DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS: Final = 40_000_000
MAX_NAME_LENGTH: Final = 100
FALLBACK_STEM: Final = "attachment"


class RejectionCode(StrEnum):
    """Why a file was refused; stable machine codes for forms, the API and metrics."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    ARCHIVE_REFUSED = "archive_refused"
    EXECUTABLE_REFUSED = "executable_refused"
    MARKUP_REFUSED = "markup_refused"
    EXTENSION_MISMATCH = "extension_mismatch"
    PIXEL_LIMIT = "pixel_limit"
    IMAGE_UNREADABLE = "image_unreadable"
    PDF_ACTIVE_CONTENT = "pdf_active_content"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_UNREADABLE = "pdf_unreadable"


class UploadWarning(StrEnum):
    """Something worth a case officer's attention in a file that was nevertheless accepted."""

    EXTENSION_CORRECTED = "extension_corrected"
    EMBEDDED_MARKUP = "embedded_markup"
    EMBEDDED_ARCHIVE = "embedded_archive"


class UploadRejected(ValueError):
    """A file that must not be stored: ``code`` for machines, ``message`` for the person."""

    def __init__(self, code: RejectionCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class InspectedUpload:
    """An attachment that passed inspection, with what the caller needs to store and show it.

    ``size`` and ``sha256`` describe the original bytes, which are stored unchanged. ``preview``
    is a metadata-free re-encoding of an image (PNG, or JPEG for JPEG photos; see
    ``preview_content_type``) and ``None`` for a PDF. ``width`` and ``height`` are those of the
    preview, that is after the EXIF orientation was applied.
    """

    safe_name: str
    content_type: str
    extension: str
    size: int
    sha256: str
    preview: bytes | None
    preview_content_type: str | None
    width: int | None
    height: int | None
    warnings: tuple[UploadWarning, ...] = ()


@dataclass(frozen=True)
class _FileType:
    """An accepted file type: how it is named, served and decoded."""

    content_type: str
    extension: str
    label: StrOrPromise
    pillow_format: str | None

    @property
    def is_image(self) -> bool:
        return self.pillow_format is not None


_PNG: Final = _FileType("image/png", "png", gettext_lazy("PNG image"), "PNG")
_JPEG: Final = _FileType("image/jpeg", "jpg", gettext_lazy("JPEG image"), "JPEG")
_WEBP: Final = _FileType("image/webp", "webp", gettext_lazy("WebP image"), "WEBP")
_GIF: Final = _FileType("image/gif", "gif", gettext_lazy("GIF image"), "GIF")
_PDF: Final = _FileType("application/pdf", "pdf", gettext_lazy("PDF document"), None)

ALLOWED_CONTENT_TYPES: Final = frozenset(
    file_type.content_type for file_type in (_PNG, _JPEG, _WEBP, _GIF, _PDF)
)

# Extensions that name one of the accepted types, including the spellings cameras, Windows
# ("jfif") and browsers ("pjpeg") produce.
_EXTENSION_TYPES: Final[dict[str, _FileType]] = {
    "png": _PNG,
    "apng": _PNG,
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "jpe": _JPEG,
    "jfif": _JPEG,
    "pjpeg": _JPEG,
    "pjp": _JPEG,
    "webp": _WEBP,
    "gif": _GIF,
    "pdf": _PDF,
}
# Raster image extensions that are not accepted as content but under which phones and
# messengers often save a PNG or JPEG; such a name is corrected, not refused. SVG is absent on
# purpose: it is markup, and a "picture" named .svg is not an honest mistake.
_OTHER_IMAGE_EXTENSIONS: Final = frozenset(
    {"bmp", "dib", "tif", "tiff", "heic", "heif", "avif", "jxl", "ico"}
)
# What a file name ending counts as an extension: short, ASCII, at least one letter. "12.30.45"
# (macOS screenshot times) and "jpg_large" (a Twitter download) are parts of the name instead.
_EXTENSION_PATTERN: Final = re.compile(r"(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,10}")

# Enough of the file for every signature below: tar's "ustar" sits at offset 257.
_SIGNATURE_WINDOW: Final = 512

_ARCHIVE_SIGNATURES: Final[tuple[tuple[int, bytes], ...]] = (
    (0, b"PK\x03\x04"),  # ZIP, and with it DOCX, XLSX, ODT, JAR, APK
    (0, b"PK\x05\x06"),  # empty ZIP
    (0, b"PK\x07\x08"),  # spanned ZIP
    (0, b"Rar!\x1a\x07"),
    (0, b"7z\xbc\xaf\x27\x1c"),
    (0, b"\x1f\x8b"),  # gzip (and .svgz)
    (0, b"\x1f\x9d"),  # compress (.Z)
    (0, b"BZh"),
    (0, b"\xfd7zXZ\x00"),
    (0, b"\x28\xb5\x2f\xfd"),  # zstd
    (0, b"\x04\x22\x4d\x18"),  # lz4
    (0, b"MSCF"),  # Windows cabinet
    (0, b"!<arch>\n"),  # ar, .deb
    (0, b"070701"),  # cpio
    (0, b"070707"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),  # OLE2: old Word/Excel with macros, MSI
    (257, b"ustar"),
)
_EXECUTABLE_SIGNATURES: Final[tuple[bytes, ...]] = (
    b"MZ",  # Windows PE, DOS
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O 32-bit
    b"\xfe\xed\xfa\xcf",  # Mach-O 64-bit
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, and Java class files
    b"#!",  # any script with a shebang
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
    b"L\x00\x00\x00\x01\x14\x02\x00",  # Windows shortcut (.lnk)
)
_BYTE_ORDER_MARKS: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# Markers of a second format hidden in an accepted file. Searched in the lower-cased bytes.
_EMBEDDED_MARKUP_MARKERS: Final[tuple[bytes, ...]] = (
    b"<script",
    b"<html",
    b"<svg",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<?php",
    b"javascript:",
)
_EMBEDDED_ARCHIVE_MARKER: Final = b"PK\x03\x04"

# PDF names that make a reader run code, open other files or programs, submit data or carry
# files (ISO 32000-1 §12.6, §7.11.4, §12.7.8; XFA and RichMedia carry scripts of their own).
# "/OpenAction" alone is left out: most PDFs use it to set the first page's zoom, and an
# OpenAction that runs JavaScript is caught by "/JS" or "/JavaScript".
_PDF_ACTIVE_NAMES: Final = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"Launch",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"XFA",
        b"GoToR",
        b"GoToE",
        b"SubmitForm",
        b"ImportData",
    }
)
# Stream filters that can only be undone here when they are Flate; with any other, an object
# stream is refused as unreadable rather than waved through unread.
_PDF_FLATE_NAMES: Final = frozenset({b"FlateDecode", b"Fl"})
_PDF_OTHER_FILTER_NAMES: Final = frozenset(
    {
        b"ASCIIHexDecode",
        b"AHx",
        b"ASCII85Decode",
        b"A85",
        b"LZWDecode",
        b"LZW",
        b"RunLengthDecode",
        b"RL",
        b"Crypt",
    }
)
_PDF_STRUCTURE_NAMES: Final = (
    frozenset({b"Encrypt", b"ObjStm", b"Filter"}) | _PDF_FLATE_NAMES | _PDF_OTHER_FILTER_NAMES
)
# A PDF name runs until whitespace or a delimiter (ISO 32000-1 §7.2.2, §7.3.5).
_PDF_NAME_CHARACTER: Final = rb"[^\x00\t\n\x0c\r /<>\[\](){}%]"
_PDF_KNOWN_NAME_PATTERN: Final = re.compile(
    rb"/("
    + b"|".join(
        re.escape(name)
        for name in sorted(_PDF_ACTIVE_NAMES | _PDF_STRUCTURE_NAMES, key=len, reverse=True)
    )
    + rb")(?!"
    + _PDF_NAME_CHARACTER
    + rb")"
)
# Names written with "#xx" escapes ("/J#61vaScript" is "/JavaScript") are decoded first.
_PDF_ESCAPED_NAME_PATTERN: Final = re.compile(
    rb"/(" + _PDF_NAME_CHARACTER + rb"*#[0-9A-Fa-f]{2}" + _PDF_NAME_CHARACTER + rb"*)"
)
_PDF_HEX_ESCAPE_PATTERN: Final = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM_START_PATTERN: Final = re.compile(rb"(?<!end)stream\r?\n")
# A 10 MB PDF has a few thousand streams; a file made of nothing but "stream" keywords is
# refused rather than walked.
_PDF_MAX_STREAMS: Final = 50_000
# Total bytes taken from object streams per file, so a small PDF cannot inflate into a
# zip-bomb-sized scan; a real 10 MB PDF has object streams of a few megabytes at most.
_PDF_INFLATE_BUDGET: Final = 64 * 1024 * 1024

# Windows refuses these as file names whatever the extension (CON.png is the console device).
_RESERVED_WINDOWS_NAMES: Final = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"}
    | {f"{device}{number}" for device in ("com", "lpt") for number in "123456789¹²³"}
)
# Characters that Windows forbids in names or that some layer may read as a path, drive or
# extension separator. A non-ASCII character is replaced too when its NFKC form contains one
# of them: fullwidth "．．／" becomes "../" under NFKC, "℀" becomes "a/c" (E10).
_NAME_FORBIDDEN_CHARACTERS: Final = frozenset('/\\<>:"|?*')
_NAME_LOOK_ALIKE_TARGETS: Final = _NAME_FORBIDDEN_CHARACTERS | {"."}
# Control, format (bidi overrides and isolates, zero-width characters, BOM), surrogate,
# private-use and unassigned characters are removed from names (E10).
_REMOVED_NAME_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Only the end of an absurdly long name is kept before normalising, so that 1 MB of combining
# marks cannot make normalisation slow (E10); the end holds the base name and its extension.
_NAME_INPUT_LIMIT: Final = 1024

# Messages are translated when raised, in the language of the request that sent the file.
_TYPE_NOT_ALLOWED_MESSAGE: Final = gettext_lazy(
    "Only PNG, JPEG, WebP and GIF screenshots and PDF documents can be attached; "
    "convert the file and try again."
)


def inspect_upload(
    original_name: str,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> InspectedUpload:
    """Inspect an attachment and describe it, or raise ``UploadRejected`` saying why not.

    ``original_name`` is the name the browser sent (untrusted, any string); ``data`` the whole
    file. The caller must have enforced the byte limit before reading the body into memory (E5:
    at the proxy and through Django's upload settings); ``max_bytes`` here is the last check.
    ``max_pixels`` must not exceed Pillow's ``Image.MAX_IMAGE_PIXELS``: above it Pillow's own
    decompression-bomb guard would refuse images this function was told to accept.
    """
    pillow_limit = Image.MAX_IMAGE_PIXELS
    if pillow_limit is not None and max_pixels > pillow_limit:
        raise ValueError(f"max_pixels ({max_pixels}) exceeds Pillow's limit ({pillow_limit}).")
    size = len(data)
    if size == 0:
        raise UploadRejected(
            RejectionCode.EMPTY,
            _("The file is empty; choose the screenshot or document again and re-attach it."),
        )
    if size > max_bytes:
        raise UploadRejected(
            RejectionCode.TOO_LARGE,
            _(
                "The file is larger than %(limit)s; attach a smaller screenshot or split the "
                "document into smaller PDFs and try again."
            )
            % {"limit": _describe_bytes(max_bytes)},
        )
    file_type = _detect_type(data[:_SIGNATURE_WINDOW])
    cleaned_name = _clean_base_name(original_name)
    stem, declared_extension = _split_extension(cleaned_name)
    found_warnings: list[UploadWarning] = []
    if declared_extension is not None and _EXTENSION_TYPES.get(declared_extension) != file_type:
        if not _is_honest_image_relabel(declared_extension, file_type):
            raise UploadRejected(
                RejectionCode.EXTENSION_MISMATCH,
                _(
                    "The file name ends in .%(declared)s but the file is a %(detected)s; rename "
                    "it to end in .%(extension)s and try again."
                )
                % {
                    "declared": declared_extension,
                    "detected": file_type.label,
                    "extension": file_type.extension,
                },
            )
        found_warnings.append(UploadWarning.EXTENSION_CORRECTED)

    preview: bytes | None = None
    preview_content_type: str | None = None
    width: int | None = None
    height: int | None = None
    if file_type.pillow_format is None:
        _check_pdf(data)
    else:
        preview, preview_content_type, width, height = _make_preview(
            data, file_type.pillow_format, max_pixels
        )
    found_warnings.extend(_find_embedded_formats(data))
    return InspectedUpload(
        safe_name=_assemble_name(stem, file_type.extension),
        content_type=file_type.content_type,
        extension=file_type.extension,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
        preview=preview,
        preview_content_type=preview_content_type,
        width=width,
        height=height,
        warnings=tuple(found_warnings),
    )


def safe_display_name(original_name: str, extension: str) -> str:
    """A display name for ``original_name`` that ends in ``.extension``.

    The base name only (no directories, Windows or POSIX), NFC, without control, bidi,
    zero-width, private-use or unassigned characters, without characters Windows forbids or
    slash look-alikes, without leading or trailing dots and spaces, with no dot but the one
    before the extension, not a Windows device name, at most ``MAX_NAME_LENGTH`` characters. A
    final extension that names an image or PDF type is replaced; any other stays in the name
    (``x.jpg.php`` becomes ``x_jpg_php.jpg``). An empty result becomes ``attachment``.
    """
    if not _EXTENSION_PATTERN.fullmatch(extension):
        raise ValueError(f"Not a file extension: {extension!r}.")
    cleaned_name = _clean_base_name(original_name)
    stem, declared_extension = _split_extension(cleaned_name)
    if declared_extension is None or not (
        declared_extension in _EXTENSION_TYPES or declared_extension in _OTHER_IMAGE_EXTENSIONS
    ):
        stem = cleaned_name
    return _assemble_name(stem, extension.lower())


def _detect_type(head: bytes) -> _FileType:
    """The accepted type whose signature ``head`` starts with, or the refusal that fits."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if head.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _WEBP
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _GIF
    # Readers tolerate junk before "%PDF-"; refusing it keeps PDF/HTML polyglots out.
    if head.startswith(b"%PDF-"):
        return _PDF
    if any(
        head[offset : offset + len(signature)] == signature
        for offset, signature in _ARCHIVE_SIGNATURES
    ):
        raise UploadRejected(
            RejectionCode.ARCHIVE_REFUSED,
            _(
                "Archives and office documents (ZIP, RAR, 7z, gzip, tar, Word, Excel) cannot be "
                "attached; attach each screenshot or PDF on its own."
            ),
        )
    if head.startswith(_EXECUTABLE_SIGNATURES):
        raise UploadRejected(
            RejectionCode.EXECUTABLE_REFUSED,
            _(
                "Programs and scripts cannot be attached; attach a screenshot or a PDF of what "
                "you saw instead."
            ),
        )
    if _looks_like_markup(head):
        raise UploadRejected(
            RejectionCode.MARKUP_REFUSED,
            _(
                "Web pages, SVG drawings and XML files cannot be attached, because they can "
                "carry scripts; take a screenshot or save the page as PDF and attach that."
            ),
        )
    raise UploadRejected(RejectionCode.TYPE_NOT_ALLOWED, str(_TYPE_NOT_ALLOWED_MESSAGE))


def _looks_like_markup(head: bytes) -> bool:
    """Whether ``head`` is text that starts with a tag: HTML, SVG, XML, in UTF-8 or UTF-16."""
    encoding = "latin-1"
    for byte_order_mark, marked_encoding in _BYTE_ORDER_MARKS:
        if head.startswith(byte_order_mark):
            head = head[len(byte_order_mark) :]
            encoding = marked_encoding
            break
    text = head.decode(encoding, errors="ignore")
    return text.lstrip().startswith("<")


def _is_honest_image_relabel(declared_extension: str, file_type: _FileType) -> bool:
    """Whether the file is an image named with another image type's extension (accepted)."""
    if not file_type.is_image:
        return False
    declared_type = _EXTENSION_TYPES.get(declared_extension)
    if declared_type is not None:
        return declared_type.is_image
    return declared_extension in _OTHER_IMAGE_EXTENSIONS


def _describe_bytes(byte_count: int) -> str:
    """``10 MB`` for people: the limit in binary megabytes, or in bytes when below one."""
    megabytes = byte_count / (1024 * 1024)
    if megabytes >= 1:
        return _("%(count)s MB") % {"count": f"{megabytes:g}"}
    return _("%(count)s bytes") % {"count": byte_count}


def _clean_base_name(original_name: str) -> str:
    """The last path component of a name, NFC, with unsafe characters removed or replaced."""
    name = unicodedata.normalize("NFC", original_name[-_NAME_INPUT_LIMIT:])
    # Browsers send a base name, but old ones and scripts send "C:\\Users\\...\\x.png" or
    # "../../x": whatever the client's path syntax, only the last component is a name.
    name = re.split(r"[/\\]", name)[-1]
    characters: list[str] = []
    for character in name:
        category = unicodedata.category(character)
        if category in _REMOVED_NAME_CATEGORIES:
            continue
        if _is_separator_like(character):
            characters.append("_")
        elif category in ("Zs", "Zl", "Zp"):
            characters.append(" ")
        else:
            characters.append(character)
    name = re.sub(" {2,}", " ", "".join(characters))
    # Windows drops trailing dots and spaces ("x.pdf. " opens x.pdf); leading dots hide a file.
    return name.strip(" .")


def _is_separator_like(character: str) -> bool:
    """Whether a character is, or under NFKC becomes, a forbidden or separating character."""
    if character.isascii():
        return character in _NAME_FORBIDDEN_CHARACTERS
    return any(
        target in _NAME_LOOK_ALIKE_TARGETS for target in unicodedata.normalize("NFKC", character)
    )


def _split_extension(cleaned_name: str) -> tuple[str, str | None]:
    """The name without its extension and the extension in lower case, if it has one."""
    stem, dot, suffix = cleaned_name.rpartition(".")
    if dot and stem and _EXTENSION_PATTERN.fullmatch(suffix):
        return stem, suffix.lower()
    return cleaned_name, None


def _assemble_name(stem: str, extension: str) -> str:
    """``stem.extension`` with the stem made safe and short enough for ``MAX_NAME_LENGTH``."""
    # A leading "-" reads as an option to any command-line tool the name is ever passed to.
    stem = stem.replace(".", "_").lstrip(" -").rstrip(" ")
    stem = _truncate_normalised(stem, MAX_NAME_LENGTH - len(extension) - 1).rstrip(" ")
    if not stem:
        stem = FALLBACK_STEM
    if stem.casefold() in _RESERVED_WINDOWS_NAMES:
        stem = f"_{stem}"
    return f"{stem}.{extension}"


def _truncate_normalised(text: str, limit: int) -> str:
    """The NFC form of ``text``, cut to at most ``limit`` characters.

    Removing characters may have left ``text`` unnormalised. A cut prefix is normalised again
    to be sure, and since NFC can lengthen a string (composition exclusions decompose), shorter
    cuts are tried until one fits.
    """
    text = unicodedata.normalize("NFC", text)
    for cut in range(min(len(text), limit), -1, -1):
        candidate = unicodedata.normalize("NFC", text[:cut])
        if len(candidate) <= limit:
            return candidate
    return ""


def _make_preview(data: bytes, pillow_format: str, max_pixels: int) -> tuple[bytes, str, int, int]:
    """Decode an image within the pixel limit and re-encode its first frame without metadata.

    Returns the preview bytes, their content type, and the preview's width and height.
    """
    try:
        # ``formats`` keeps Pillow to the detected decoder: never EPS (Ghostscript) or any other
        # plugin a crafted file might otherwise select.
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            # Image.open reads only the header, so the dimensions are checked before a single
            # pixel is decoded (pixel flood, E5 and §4.7). Because max_pixels is at most
            # Pillow's own limit, this also refuses every image Pillow only warns about.
            width, height = image.size
            if width * height > max_pixels:
                raise _pixel_limit_rejection(max_pixels)
            image.load()
            return _encode_without_metadata(image, pillow_format)
    except UploadRejected:
        raise
    # DecompressionBombWarning arrives as an exception only where warnings are errors (the
    # test suite); warnings.catch_warnings is not used because it is not thread-safe.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _pixel_limit_rejection(max_pixels) from error
    # A decoder fed hostile bytes fails in many ways (Pillow turns several of these into
    # UnidentifiedImageError, an OSError, only while opening); all of them mean the same to the
    # reporter. Warning covers Pillow's complaints about damaged files where warnings are errors.
    except (
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        IndexError,
        KeyError,
        TypeError,
        ZeroDivisionError,
        OverflowError,
        MemoryError,
        Warning,
    ) as error:
        raise UploadRejected(
            RejectionCode.IMAGE_UNREADABLE,
            _(
                "The image could not be read; it may be damaged or incomplete. Take the "
                "screenshot again, save it as PNG or JPEG, and re-attach it."
            ),
        ) from error


def _pixel_limit_rejection(max_pixels: int) -> UploadRejected:
    return UploadRejected(
        RejectionCode.PIXEL_LIMIT,
        _(
            "The image has more than %(limit)s pixels; attach a smaller screenshot or a reduced "
            "copy of the photo."
        )
        % {"limit": number_format(max_pixels, force_grouping=True)},
    )


# EXIF orientation (tag 0x0112) to the transposition that shows the image upright.
_ORIENTATION_TAG: Final = 0x0112
_ORIENTATION_TRANSPOSITIONS: Final[dict[int, Image.Transpose]] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _encode_without_metadata(image: Image.Image, pillow_format: str) -> tuple[bytes, str, int, int]:
    """Copy the decoded pixels into a fresh image and encode that, so no metadata can follow.

    Pillow's encoders copy some metadata from ``image.info`` by default (the ICC profile into
    PNG, the comment into JPEG); a new image has an empty ``info`` and no EXIF to copy.
    """
    transposition = _ORIENTATION_TRANSPOSITIONS.get(_read_orientation(image))
    has_transparency = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        "transparency" in image.info
    )
    if has_transparency:
        target_mode = "RGBA"
    elif image.mode in ("1", "L"):
        target_mode = "L"
    else:
        # CMYK JPEGs, palettes, 16-bit greyscale (clipped to 8 bits) all become RGB.
        target_mode = "RGB"
    pixels = image.convert(target_mode)
    if transposition is not None:
        pixels = pixels.transpose(transposition)
    clean = Image.new(target_mode, pixels.size)
    clean.paste(pixels)
    output = io.BytesIO()
    # JPEG photos stay JPEG: as PNG they would grow several times. Everything else (screenshots,
    # drawings, transparency) is lossless PNG; level 3 is close to level 6 in size for screen
    # content at a fraction of the time.
    if pillow_format == "JPEG" and target_mode != "RGBA":
        clean.save(output, format="JPEG", quality=90)
        content_type = "image/jpeg"
    else:
        clean.save(output, format="PNG", compress_level=3)
        content_type = "image/png"
    return output.getvalue(), content_type, clean.width, clean.height


def _read_orientation(image: Image.Image) -> int:
    """The EXIF orientation, or 1 (upright) when there is none or it cannot be read.

    A damaged EXIF block is no reason to refuse a photo: its pixels are what matters.
    """
    try:
        orientation = image.getexif().get(_ORIENTATION_TAG, 1)
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, TypeError, Warning):
        return 1
    return orientation if isinstance(orientation, int) else 1


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF whose dictionaries name active content; a heuristic, see the module notes."""
    names = _pdf_names(data)
    for content in _object_stream_contents(data, is_encrypted=b"Encrypt" in names):
        names |= _pdf_names(content)
    if names & _PDF_ACTIVE_NAMES:
        raise UploadRejected(
            RejectionCode.PDF_ACTIVE_CONTENT,
            _(
                "The PDF contains scripts, embedded files or actions that could run on an "
                "officer's computer; print it to a new PDF or take screenshots, and attach that."
            ),
        )


def _pdf_names(data: bytes | memoryview) -> set[bytes]:
    """The active and structural names that occur in ``data``, "#xx" escapes decoded."""
    # On a memoryview, groups are memoryviews too; bytes() makes them comparable set members.
    found = {bytes(match.group(1)) for match in _PDF_KNOWN_NAME_PATTERN.finditer(data)}
    for match in _PDF_ESCAPED_NAME_PATTERN.finditer(data):
        found.add(
            _PDF_HEX_ESCAPE_PATTERN.sub(
                lambda escape: bytes([int(escape.group(1), 16)]), bytes(match.group(1))
            )
        )
    return found


def _object_stream_contents(data: bytes, *, is_encrypted: bool) -> list[bytes]:
    """The contents of the PDF's object streams (``/Type /ObjStm``), inflated.

    Since PDF 1.5, dictionaries (and so any ``/JavaScript``) may sit compressed in object
    streams, invisible to a scan of the raw bytes. Streams of other types (page contents,
    images, fonts) cannot define actions and are not inflated. Each stream is looked at only
    between its "stream" keyword and the next one, so the work stays linear in the file size.
    """
    starts: list[tuple[int, int]] = []
    for match in _PDF_STREAM_START_PATTERN.finditer(data):
        starts.append((match.start(), match.end()))
        if len(starts) > _PDF_MAX_STREAMS:
            raise _pdf_unreadable()
    view = memoryview(data)
    contents: list[bytes] = []
    budget = _PDF_INFLATE_BUDGET
    previous_end = 0
    for index, (keyword_start, content_start) in enumerate(starts):
        region_end = starts[index + 1][0] if index + 1 < len(starts) else len(data)
        content_end = data.find(b"endstream", content_start, region_end)
        # The dictionary is whatever lies between the previous stream and this one, however
        # long: a fixed look-back window could be dodged by padding the dictionary.
        dictionary_names = _pdf_names(view[previous_end:keyword_start])
        previous_end = content_end if content_end >= 0 else region_end
        if b"ObjStm" not in dictionary_names:
            continue
        if is_encrypted:
            raise UploadRejected(
                RejectionCode.PDF_ENCRYPTED,
                _(
                    "The PDF is encrypted, so its contents cannot be checked; remove the "
                    "password protection (for example by printing it to a new PDF) and try again."
                ),
            )
        # An object stream must end before the next "stream" keyword; one that does not has
        # boundaries this scan cannot trust.
        if (
            content_end < 0
            or dictionary_names & _PDF_OTHER_FILTER_NAMES
            or (b"Filter" in dictionary_names and not dictionary_names & _PDF_FLATE_NAMES)
        ):
            raise _pdf_unreadable()
        raw = view[content_start:content_end]
        content = _inflate(raw, budget) if b"Filter" in dictionary_names else bytes(raw)
        if len(content) > budget:
            raise _pdf_unreadable()
        budget -= len(content)
        contents.append(content)
    return contents


def _inflate(compressed: memoryview, budget: int) -> bytes:
    """Inflate a zlib stream up to ``budget + 1`` bytes; a damaged stream is refused.

    A reader would skip or partly read a damaged object stream, and what it reads there cannot
    be checked here.
    """
    decompressor = zlib.decompressobj()
    try:
        # max_length must be positive: zero would mean "no limit".
        return decompressor.decompress(compressed, budget + 1)
    except zlib.error as error:
        raise _pdf_unreadable() from error


def _pdf_unreadable() -> UploadRejected:
    return UploadRejected(
        RejectionCode.PDF_UNREADABLE,
        _(
            "The PDF could not be checked because its internal structure is damaged, unusual "
            "or very large; print it to a new PDF and try again."
        ),
    )


def _find_embedded_formats(data: bytes) -> list[UploadWarning]:
    """Flags for markup or a ZIP hidden inside an accepted file (polyglots; module notes)."""
    found: list[UploadWarning] = []
    lowered = data.lower()
    if any(marker in lowered for marker in _EMBEDDED_MARKUP_MARKERS):
        found.append(UploadWarning.EMBEDDED_MARKUP)
    if data.find(_EMBEDDED_ARCHIVE_MARKER, 1) >= 0:
        found.append(UploadWarning.EMBEDDED_ARCHIVE)
    return found
