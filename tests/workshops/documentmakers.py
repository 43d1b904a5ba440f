"""Small real documents made in the tests: PDF (hand-written, valid cross-reference table), PNG
and JPEG (Pillow)."""

import io
import zlib

from PIL import Image, PngImagePlugin


def pdf(page_text=b"(Proces-verbal) Tj", compress=True, comment=b""):
    """A valid one-page PDF whose page draws ``page_text``; ``comment`` goes after the header."""
    content = zlib.compress(page_text) if compress else page_text
    stream_dict = b"/Filter /FlateDecode " if compress else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< " + stream_dict + b"/Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + comment)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def picture(fmt, **options):
    """A small real picture in Pillow's format ``fmt`` (``"PNG"`` or ``"JPEG"``)."""
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(out, fmt, **options)
    return out.getvalue()


def png_with_text(text):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    return picture("PNG", pnginfo=info)
