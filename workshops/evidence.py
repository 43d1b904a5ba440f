"""Evidence documents and committee minutes: which files are accepted and under which name.

Only PDF, PNG and JPEG are accepted, told by the whole content, never by the uploaded name or the
first bytes alone: a PDF must parse (pypdf) and every page's content must decode; a PNG or
JPEG must decode whole (Pillow) and its structure must end where the picture ends. A file that
carries web markup (an HTML, SVG or script tag) outside the compressed picture or page data is
refused, so that a file which is both a document and a web page ("polyglot") is never stored.

Accepted files are stored as ``<folder>/<year>/<32 hex digits>.pdf|.png|.jpg``
(``EvidenceFileField`` and ``EvidenceName``): the extension is that of the real type, never the
uploaded one. ``workshops.views.stored_document`` serves them with that type, ``nosniff``, a
sandboxing Content-Security-Policy and, for PDFs, as a download.
"""

import io
import re
import uuid
import warnings
import zlib
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader

# Real type -> stored extension -> Content-Type served.
SUFFIXES = {"PDF": ".pdf", "PNG": ".png", "JPEG": ".jpg"}
CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}
SIGNATURES = {b"%PDF-": "PDF", b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}

# Tags that make a browser run a page or a script, followed by what ends a tag name, and any tag
# with an event handler (``<video src=x onerror=…>``, ``<input autofocus onfocus=…>``: HTML runs
# those whatever the tag's name): checked in the parts of a file that are not compressed data,
# where no genuine document has them. Bounded repeats: a hostile file of "<a<a<a…" stays linear.
MARKUP = re.compile(
    rb"<(?:!doctype\s+html|\?xml-stylesheet|html|head|body|script|iframe|frame|frameset|svg|img"
    rb"|object|embed|meta|link|style|form|base|math|x:script)[\s/>]"
    rb"|<[a-z][a-z0-9-]{0,30}[\s/][^<>]{0,1000}?\bon[a-z]{2,30}\s*=",
    re.IGNORECASE,
)
# A PDF's stream bodies are page, font and picture data (mostly compressed): not checked for markup.
PDF_STREAM = re.compile(rb"\bstream\r?\n.*?\bendstream\b", re.DOTALL)
PDF_END = re.compile(rb"%%EOF\s*\Z")
STORED_NAME = re.compile(r"(?P<folder>[a-z]+)/\d{4}/[0-9a-f]{32}(?P<suffix>\.pdf|\.png|\.jpg)")


class Refused(ValueError):
    """The content is not a valid document of the type its first bytes announce."""


class HasMarkup(Refused):
    """The content carries web-page code (``MARKUP``) where no genuine document has it."""


class NeedsPassword(Refused):
    """The PDF opens only with a password."""


def evidence_suffix(upload):
    """The extension (``".pdf"``, ``".png"`` or ``".jpg"``) of the real type of ``upload``.

    ``upload`` is a Django ``File`` (an upload or a stored file), read whole and left at its start;
    the answer is remembered on it. Raises ``ValidationError`` (translated) when it is larger than
    ``EVIDENCE_MAX_BYTES``, of another type, damaged or truncated, or carries web markup.
    """
    # A model's file wraps the upload until it is stored: remember the answer on the upload itself,
    # where the form's validation and the storing both find it.
    upload = getattr(upload, "_file", None) or upload
    suffix = getattr(upload, "_evidence_suffix", None)
    if suffix is None:
        suffix = SUFFIXES[check_content(_read_all(upload))]
        upload._evidence_suffix = suffix
    return suffix


def check_content(data):
    """``"PDF"``, ``"PNG"`` or ``"JPEG"``: the type of the bytes ``data``; see ``evidence_suffix``."""
    kind = next((kind for signature, kind in SIGNATURES.items() if data.startswith(signature)), None)
    if kind is None:
        raise ValidationError(
            _(
                "This file is not a PDF, PNG or JPEG document. Save it in one of those formats and "
                "upload it again."
            ),
            code="evidence_type",
        )
    try:
        _CHECKS[kind](data)
    except HasMarkup as error:
        raise ValidationError(
            _(
                "This %(kind)s file also holds web-page code (HTML, SVG or script), which is not "
                "allowed. Open it, save it again as %(kind)s and upload the saved copy."
            ),
            code="evidence_markup",
            params={"kind": kind},
        ) from error
    except NeedsPassword as error:
        raise ValidationError(
            _("This PDF file is protected by a password. Upload a copy that opens without one."),
            code="evidence_password",
        ) from error
    except Refused as error:
        raise ValidationError(
            _(
                "This file is not a valid %(kind)s document: it is damaged, incomplete or disguised. "
                "Open it, save it again as %(kind)s and upload the saved copy."
            ),
            code="evidence_invalid",
            params={"kind": kind},
        ) from error
    return kind


def _read_all(upload):
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes)."),
            code="evidence_size",
            params={"size": upload.size, "limit": settings.EVIDENCE_MAX_BYTES},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _no_markup(*parts):
    if any(MARKUP.search(part) for part in parts):
        raise HasMarkup


def _check_pdf(data):
    """A PDF from its header at byte 0 to its last ``%%EOF``; every page's content decodes."""
    _no_markup(PDF_STREAM.sub(b"stream endstream", data))
    if not PDF_END.search(data[-1024:]):
        raise Refused("no end of file marker")
    try:
        # Not strict: scanners and office suites write small xref errors that readers repair; the
        # checks above and the pages' decoding are what refuse a disguised file.
        reader = PdfReader(io.BytesIO(data), strict=False)
        # A PDF "protected" by an owner password only opens with the empty user password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise NeedsPassword
        if not reader.pages:
            raise Refused("no page")
        for page in reader.pages:
            page.get_contents()
    except Refused:
        raise
    except Exception as error:  # pypdf raises many kinds of error on hostile input: all mean "not a PDF"
        raise Refused(str(error)) from error


# What Pillow raises on a damaged, truncated or oversized picture.
DECODING_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def _decode_image(data, kind):
    """Decode the whole picture with Pillow; a decompression bomb counts as invalid."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                image.load()
    except DECODING_ERRORS as error:
        raise Refused(str(error)) from error


def _check_png(data):
    """Chunks with right checksums up to ``IEND`` and nothing after; markup in no chunk but ``IDAT``."""
    position, chunk_type, metadata = 8, b"", []
    while chunk_type != b"IEND":
        if position + 12 > len(data):
            raise Refused("truncated")
        length = int.from_bytes(data[position : position + 4], "big")
        chunk_type = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        crc = data[position + 8 + length : position + 12 + length]
        if len(crc) != 4 or zlib.crc32(chunk_type + body).to_bytes(4, "big") != crc:
            raise Refused("bad chunk")
        if chunk_type != b"IDAT":
            metadata.append(body)
        position += 12 + length
    if position != len(data):
        raise Refused("data after the end of the picture")
    _no_markup(*metadata)
    _decode_image(data, "PNG")


def _jpeg_segments(data, position=2):
    """``(segments, rest)``: the marker segments of the JPEG that starts at ``position - 2`` (the
    compressed scan data left out) and the bytes after its end-of-image marker."""
    segments = []
    while True:
        if data[position : position + 1] != b"\xff" or position + 2 > len(data):
            raise Refused("truncated or malformed")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image
            return segments, data[position + 2 :]
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segments.append(data[position + 4 : position + 2 + length])
        position += 2 + length
        if marker == 0xDA:  # start of scan: compressed data up to the next real marker
            position = _end_of_scan(data, position)


def _end_of_scan(data, position):
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            raise Refused("truncated")
        following = data[position + 1]
        if following == 0 or 0xD0 <= following <= 0xD7:  # stuffed byte or restart marker
            position += 2
        elif following == 0xFF:
            position += 1
        else:
            return position


def _check_jpeg(data):
    """Segments up to the end-of-image marker, then nothing but padding or a further JPEG (the
    second picture phones add); markup in no segment."""
    segments, rest = _jpeg_segments(data)
    while rest.startswith(b"\xff\xd8"):
        more, rest = _jpeg_segments(rest)
        segments += more
    if rest.strip(b"\0 \t\r\n"):
        raise Refused("data after the end of the picture")
    _no_markup(*segments)
    _decode_image(data, "JPEG")


_CHECKS = {"PDF": _check_pdf, "PNG": _check_png, "JPEG": _check_jpeg}


def random_name(folder, suffix):
    """``<folder>/<current year>/<uuid4 hex><suffix>``: the name under which a document is stored."""
    return f"{folder}/{timezone.localdate():%Y}/{uuid.uuid4().hex}{suffix}"


def is_stored_name(name, folder, suffix):
    """Whether ``name`` already follows ``random_name``'s scheme for ``folder`` and ``suffix``."""
    match = STORED_NAME.fullmatch(name)
    return bool(match) and match["folder"] == folder and match["suffix"] == suffix


@deconstructible
class EvidenceName:
    """``upload_to`` of a document field: ``random_name(folder, …)`` with the extension of the name
    that ``EvidenceFieldFile.save`` gives, which is that of the checked content."""

    def __init__(self, folder):
        self.folder = folder

    def __eq__(self, other):
        return isinstance(other, EvidenceName) and self.folder == other.folder

    def __call__(self, instance, filename):
        suffix = PurePosixPath(filename).suffix
        if suffix not in CONTENT_TYPES:
            raise ValueError(f"{filename!r} was not named by EvidenceFieldFile.save")
        return random_name(self.folder, suffix)


class EvidenceFieldFile(FieldFile):
    """A document of an ``EvidenceFileField``: saving one checks its whole content first
    (``evidence_suffix``; ValidationError if it fails) and names it by its real type, whatever
    name it came with (an upload, or ``field_file.save(name, content)`` in code)."""

    def save(self, name, content, save=True):
        super().save(f"document{evidence_suffix(content)}", content, save)


class EvidenceFileField(models.FileField):
    """A FileField whose files are checked and named by type when stored (``EvidenceFieldFile``).

    Give it ``upload_to=EvidenceName(folder)`` and ``validators=[validate_evidence_file]`` so
    that forms report a refused file on the field.
    """

    attr_class = EvidenceFieldFile

    def formfield(self, **kwargs):
        """The form field, whose file picker offers PDF, PNG and JPEG files (a hint only)."""
        field = super().formfield(**kwargs)
        field.widget.attrs.setdefault("accept", ".pdf,.png,.jpg,.jpeg," + ",".join(CONTENT_TYPES.values()))
        return field
