"""QR codes drawn by our own server (``qrcode``, no outside service): as inline SVG for pages,
as PNG or SVG files for staff to print."""

import io
import re

import qrcode
import qrcode.image.svg
from django.utils.safestring import mark_safe

# Quartile error correction: a code printed on a poster or shown on a cracked phone screen
# still reads with a quarter of it damaged.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q


def _code(text, **options):
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=4, **options)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_svg(text, label=""):
    """``text`` as a QR code in an SVG element (safe HTML string) sized by CSS (class
    ``qr-code``), with ``role="img"`` and ``label`` as its accessible name."""
    svg = _code(text).make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r' (width|height)="[^"]*"', "", svg, count=2)
    label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return mark_safe(svg.replace("<svg ", f'<svg class="qr-code" role="img" aria-label="{label}" ', 1))  # noqa: S308


def qr_png(text, box_size=16):
    """``text`` as a QR code in a PNG image (bytes), ``box_size`` pixels per module."""
    buffer = io.BytesIO()
    _code(text, box_size=box_size).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg_file(text):
    """``text`` as a QR code in a standalone SVG file (bytes), black on white."""
    image = _code(text, box_size=10).make_image(image_factory=qrcode.image.svg.SvgFillImage)
    return image.to_string()
