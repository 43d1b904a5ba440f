"""Which text encoding a CSV/TSV file is in, and whether decoded text looks garbled.

Detection, most certain first: a byte-order mark (UTF-8, UTF-16); UTF-16 without one (every
other byte zero); strict UTF-8 (text in another encoding almost never decodes as UTF-8).
These are certain. Otherwise the file is in one of the single-byte encodings that Moroccan
offices produce (``SINGLE_BYTE``: Arabic and French Windows, Latin-1, ISO-8859-6) and the
choice is a guess: charset-normalizer ranks the ones that decode, then the ranking is corrected
for what it cannot see on mixed sheets (French headers, Latin and Arabic names): the
candidate whose text has the fewest garbled cells wins (``garbled``), charset-normalizer's rank
breaking ties. tests/attendance/test_encodings.py measures this on a corpus of mixed,
all-Arabic and all-French sheets; bench/encoding_accuracy.py prints the figures.

``garbled(cell)`` tells text decoded with the wrong encoding ("mojibake"): Arabic read as
Windows-1252/Latin-1 (``ÑÔíÏ ÈæÒíÏ``), UTF-8 read as a single-byte encoding (``Ã©``, ``Ø§Ù„``,
``أ©``), French read as Arabic Windows (``ةCOLE``), undecodable bytes (``�``). It never flags
French, Arabic or Moroccan names as typed (``Hélène``, ``Aït``, ``Œuvre``, ``«الأمل»``). It cannot
tell one Arabic encoding read as another (cp1256 as ISO-8859-6 gives Arabic letters too).
"""

import re
from dataclasses import dataclass

import charset_normalizer
from django.utils.translation import gettext_lazy as _

# Single-byte encodings offices in Morocco save text in, most common first (the order breaks
# ties): Arabic Windows, French Windows, Latin-1 (web exports), ISO-8859-6 (old Arabic Unix).
# Mac Arabic is left out: charset-normalizer does not know it and Macs have saved UTF-8 since 2001.
SINGLE_BYTE = ("cp1256", "cp1252", "latin-1", "iso-8859-6")
ARABIC = ("cp1256", "iso-8859-6")
_DETECTOR_NAMES = {"cp1256": "cp1256", "cp1252": "cp1252", "latin-1": "latin_1", "iso-8859-6": "iso8859_6"}
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Enough text to rank the candidates on: detection reads no more of a large file.
SAMPLE_BYTES = 65536

ENCODING_NAMES = {
    "utf-8": _("Unicode (UTF-8)"),
    "utf-8-sig": _("Unicode (UTF-8 with byte-order mark)"),
    "utf-16": _("Unicode (UTF-16, Excel's “Unicode text”)"),
    "utf-16-le": _("Unicode (UTF-16 little-endian, without byte-order mark)"),
    "utf-16-be": _("Unicode (UTF-16 big-endian, without byte-order mark)"),
    "cp1256": _("Arabic (Windows-1256)"),
    "cp1252": _("Western European (Windows-1252)"),
    "latin-1": _("Western European (ISO-8859-1, Latin-1)"),
    "iso-8859-6": _("Arabic (ISO-8859-6)"),
}


def encoding_name(codec):
    """The human name of ``codec`` (a key of ``ENCODING_NAMES``; others are returned as given)."""
    return str(ENCODING_NAMES.get(codec, codec))


@dataclass
class Detection:
    """``codec``: the encoding to read with; ``certain``: said by the file itself (byte-order
    mark, UTF-16 or UTF-8 shape) rather than guessed; ``candidates``: the codecs worth
    offering, ``codec`` first, each giving a different text."""

    codec: str
    certain: bool
    candidates: tuple


# High bytes of the UTF-16 code units sheets hold: ASCII and Latin-1 (0x00), Latin Extended
# (0x01), Arabic (0x06), punctuation such as ’ “ ” (0x20), Arabic presentation forms (0xFB, 0xFE).
_UTF16_HIGH_BYTES = frozenset({0x00, 0x01, 0x06, 0x20, 0xFB, 0xFE})


def utf16_without_bom(data):
    """True when ``data`` looks like UTF-16 text without a byte-order mark: one byte of each
    pair is zero for ASCII (cell delimiters and line ends at least) and the high bytes
    of Latin or Arabic letters otherwise, while the other byte is almost never zero. Text in a
    single-byte encoding or UTF-8 has no zero bytes."""
    sample = data[: 4096 - 4096 % 2]
    if len(sample) < 8:
        return False
    half = len(sample) // 2
    for high, low in ((sample[1::2], sample[0::2]), (sample[0::2], sample[1::2])):
        usual = sum(1 for byte in high if byte in _UTF16_HIGH_BYTES)
        if high.count(0) > 0.1 * half and usual > 0.95 * half and low.count(0) < 0.05 * half:
            return True
    return False


def _utf16_order(data):
    """ "utf-16-le" or "utf-16-be" for UTF-16 text without a byte-order mark: the high bytes
    (zero for ASCII) come second in little-endian."""
    return "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"


def detect(data):
    """Detect the encoding of text bytes ``data``; returns a ``Detection``. Never raises."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return Detection(codec, True, (codec,))
    if utf16_without_bom(data):
        codec = _utf16_order(data)
        if _decodes(data, codec):
            return Detection(codec, True, (codec,))
    if _decodes(data, "utf-8"):
        return Detection("utf-8", True, ("utf-8",))
    ranked = rank_single_byte(data)
    if mostly_utf8(data):
        # A UTF-8 file with a few stray bytes (a cell pasted from a Windows-1252 sheet, a
        # truncated character): proposed as UTF-8, its bad bytes then refused cell by cell
        # (U+FFFD is garbled), rather than every name garbled by a single-byte reading.
        return Detection("utf-8", False, ("utf-8", *ranked))
    return Detection(ranked[0], False, tuple(ranked))


def mostly_utf8(data):
    """True when ``data`` (not valid UTF-8) is UTF-8 but for a few bytes: at least ten valid
    multi-byte characters for each byte that is not UTF-8. Text in a single-byte encoding
    almost never holds a valid multi-byte sequence."""
    text = data[: SAMPLE_BYTES * 4].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    valid = sum(1 for char in text if ord(char) > 0x7F) - bad
    return bad > 0 and valid >= 10 * bad


def _decodes(data, codec):
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def rank_single_byte(data):
    """The ``SINGLE_BYTE`` codecs that decode ``data``, most likely first, one per distinct text.

    charset-normalizer's order (restricted to these codecs), then those it dropped in
    ``SINGLE_BYTE`` order; re-sorted by the number of garbled cells in the first
    ``SAMPLE_BYTES``, then Arabic encodings that give no Arabic word last (stable, so the
    detector's rank breaks the remaining ties). Latin-1 decodes anything, so the list is never
    empty.
    """
    sample = data[:SAMPLE_BYTES]
    found = charset_normalizer.from_bytes(sample, cp_isolation=list(_DETECTOR_NAMES.values()))
    by_detector = {name: codec for codec, name in _DETECTOR_NAMES.items()}
    order = [by_detector[match.encoding] for match in found if match.encoding in by_detector]
    order += [codec for codec in SINGLE_BYTE if codec not in order]
    texts = {}
    for codec in order:
        if _decodes(data, codec):
            text = data.decode(codec)
            if text not in texts.values():
                texts[codec] = text
    return sorted(texts, key=lambda codec: _unlikeliness(codec, texts[codec][:SAMPLE_BYTES]))


_ARABIC_WORD = re.compile("[\u0621-\u064a]{2}")


def _unlikeliness(codec, text):
    """Sort key of a candidate: its garbled cells, then whether it is an Arabic encoding that
    gives no Arabic word (a stray byte read as one Arabic letter is no reason to pick it)."""
    return garbled_count(text), codec in ARABIC and not _ARABIC_WORD.search(text)


_WORD = re.compile(r"[^\W\d_]+")
_LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_ACCENTED = frozenset(chr(code) for code in range(0xC0, 0x250) if chr(code).isalpha())
_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN = re.compile(f"[{_LATIN_LETTERS}]")
# The cp1252 (and Latin-1) reading of a UTF-8 continuation byte (0x80-0xBF); no-break space left out.
_CONTINUATION = (
    "\u00a1-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122"
)
# Latin-1 symbols that UTF-8 bytes become next to Arabic letters when read as Windows-1256; not
# « » or quotes, which Arabic text uses, nor ° ¹ ² ³ (م² for square metres).
_SYMBOLS = (
    "[\u00a1-\u00aa\u00ac-\u00af\u00b1\u00b4-\u00b8\u00ba\u00bc-\u00bf"
    "\u201a\u201e\u0192\u2020\u2021\u02c6\u2030]"
)
_GARBLED = re.compile(
    "|".join(
        [
            "[\ufffd\u0080-\u009f]",  # bytes the encoding has no letter for, C1 controls
            f"[\u00c2-\u00df][{_CONTINUATION}]",  # UTF-8 two-byte letters read as cp1252: Ã©, Ø§
            f"[\u00e0-\u00ef][{_CONTINUATION}]{{2}}",  # three-byte ones: â€™
            f"[\u0600-\u06ff]{_SYMBOLS}|{_SYMBOLS}[\u0600-\u06ff]",  # UTF-8 read as cp1256: Ø§ → ط§
            f"[{_LATIN_LETTERS}][\u064b-\u0652]|[\u064b-\u0652][{_LATIN_LETTERS}]",  # ñ → ً in Muًoz
            "[\u0621-\u064a][\u2018\u2019][A-Za-z]",  # Œuvre read as cp1256: إ’uvre
            "[\u064b-\u064d][\u0621-\u064a]",  # tanween inside a word: ISO-8859-6 read as cp1256
        ]
    )
)


def garbled(cell):
    """True when the text ``cell`` looks decoded with the wrong encoding (see the module docstring)."""
    if cell.isascii():
        return False
    if _GARBLED.search(cell):
        return True
    for word in _WORD.findall(cell):
        if _ARABIC.search(word) and _LATIN.search(word):
            return True  # É read as cp1256 is ة: ةCOLE
        accented = sum(1 for char in word if char in _ACCENTED)
        # Arabic read as cp1252: every letter accented (ÑÔíÏ); French words have few (été, créée).
        if len(word) >= 3 and (accented == len(word) or (accented >= 4 and accented * 2 > len(word))):
            return True
    return False


def garbled_count(text):
    """How many cells (split at line ends, ``,``, ``;`` and tabs) of ``text`` look garbled."""
    return sum(1 for cell in re.split(r"[\r\n,;\t]+", text) if garbled(cell))
