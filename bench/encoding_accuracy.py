"""How often each way of telling a text sheet's encoding gets it right, on the corpus of
tests/attendance/encoding_corpus.py (mixed Latin/Arabic, all-Arabic and French sheets, short
and long, in every encoding Moroccan offices save in); and how well each garbled-text detector
tells misread words from real ones.

Run from the project folder: ``.venv/bin/python bench/encoding_accuracy.py``. Figures are
printed, not asserted (tests/attendance/test_encodings.py asserts the chosen method's); a sheet
counts as right when its cells read as typed (white space as the import collapses it).

Methods: charset-normalizer's best guess alone; the hand-written rule the import used before
(copied below as it was); byte-order marks, UTF-16 and strict UTF-8 first, then
charset-normalizer restricted to ``SINGLE_BYTE`` (its first pick); the same with the garbled-text
ranking (``attendance.sheets.encodings.detect``, what the import uses). ftfy's ``is_bad`` is
measured beside our ``garbled`` when ftfy is installed (it is not a dependency).
"""

import csv
import io
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def hand_rule(data):
    """The import's rule before charset-normalizer (attendance/sheets/text.py at e3e74a6)."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    sample, half = data[:4096], len(data[:4096]) // 2
    zeros = sorted([sample[0::2].count(0), sample[1::2].count(0)])
    if len(sample) >= 8 and zeros[1] > 0.3 * half and zeros[0] < 0.05 * half:
        codec = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    runs = re.findall(rb"[\x80-\xff]+", data[:65536])
    if sum(len(run) for run in runs if len(run) > 1) > sum(1 for run in runs if len(run) == 1):
        return data.decode("cp1256", errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def detector_alone(data):
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else ""


def restricted_without_ranking(data):
    import charset_normalizer

    from attendance.sheets.encodings import _DETECTOR_NAMES, detect

    found = detect(data)
    if found.certain:
        return data.decode(found.codec)
    best = charset_normalizer.from_bytes(data, cp_isolation=list(_DETECTOR_NAMES.values())).best()
    return str(best) if best is not None else data.decode("latin-1")


def with_ranking(data):
    from attendance.sheets.encodings import detect

    return data.decode(detect(data).codec, errors="replace")


def cells(text, delimiter):
    from attendance.sheets.base import cell_text

    rows = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        return [[cell_text(cell) for cell in row] for row in rows]
    except csv.Error:  # a misread line end: wrong
        return None


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from attendance.sheets.encodings import garbled
    from tests.attendance.encoding_corpus import corpus, misread_words, words

    cases = corpus()
    print(f"Encoding detection, {len(cases)} sheets (load average {os.getloadavg()[0]:.2f})")
    methods = {
        "charset-normalizer alone": detector_alone,
        "hand-written rule (before)": hand_rule,
        "certain steps + charset-normalizer among SINGLE_BYTE": restricted_without_ranking,
        "the same + garbled-text ranking (used)": with_ranking,
    }
    for name, method in methods.items():
        wrong = [label for label, data, text, sep in cases if cells(method(data), sep) != cells(text, sep)]
        by_encoding = Counter(label.rsplit(" ", 1)[-1] for label in wrong)
        print(f"  {name:55} right {len(cases) - len(wrong):3}  wrong {len(wrong):3}  {dict(by_encoding)}")
    detectors = {"garbled (ours, used)": garbled}
    try:
        from ftfy.badness import is_bad

        detectors["ftfy.badness.is_bad"] = is_bad
        detectors["either"] = lambda text: is_bad(text) or garbled(text)
    except ImportError:
        print("  (ftfy is not installed: its detector is not measured)")
    typed, misread = words(), misread_words()
    print(f"Garbled text: {len(misread)} misread words, {len(typed)} words as typed")
    for name, detector in detectors.items():
        missed = sum(1 for word in misread if not detector(word))
        alarms = sum(1 for word in typed if detector(word))
        print(
            f"  {name:25} misread caught {len(misread) - missed:4}  missed {missed:4}  false alarms {alarms}"
        )


if __name__ == "__main__":
    main()
