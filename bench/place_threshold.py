"""Choosing the fuzzy threshold of place matching (``regions.matching.FUZZY_THRESHOLD``).

Run from the project folder: ``.venv/bin/python bench/place_threshold.py``.

It builds the region matcher from the shipped reference data (``regions/data/regions.csv``,
``provinces.csv``, ``aliases.csv``; no database) and reads ``tests/regions/place_spellings.csv``:
real-world spellings with the region they mean, and names that must not match (other countries'
regions, old regions split in 2015, random words). For each scorer and threshold it prints the
precision (right guesses / guesses made) and recall (right answers / spellings that mean a
region), counting exact matches and fuzzy guesses together. Figures are printed, not asserted.
"""

import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from rapidfuzz import fuzz  # noqa: E402

from regions.matching import EXACT, PlaceMatcher, match_key  # noqa: E402

DATA = ROOT / "regions" / "data"
SCORERS = {"ratio": fuzz.ratio, "token_sort_ratio": fuzz.token_sort_ratio, "WRatio": fuzz.WRatio}
THRESHOLDS = (70, 75, 80, 82, 85, 88, 90, 95)


def rows(name, folder=DATA):
    with open(folder / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def matcher():
    """The region matcher over the shipped data, with region codes as places."""
    entries = []
    for region in rows("regions.csv"):
        for field in ("code", "name_fr", "name_ar", "name_en"):
            entries.append((region[field], region["code"]))
    provinces = {p["code"]: p["region_code"] for p in rows("provinces.csv")}
    aliases = rows("aliases.csv")
    entries += [(a["alias"], a["code"]) for a in aliases if a["kind"] == "region"]
    for province in rows("provinces.csv"):
        entries += [
            (province["name_fr"], province["region_code"]),
            (province["name_ar"], province["region_code"]),
        ]
    entries += [(a["alias"], provinces[a["code"]]) for a in aliases if a["kind"] == "province"]
    return PlaceMatcher(entries)


def best(found, text, scorer):
    key = match_key(text)
    scored = [(scorer(key, name), code) for name, code in found.index.items() if name in found.fuzzy_keys]
    return max(scored) if scored else (0, None)


def measure(found, spellings, scorer, threshold):
    """(precision, recall, wrong guesses) of ``found`` with ``scorer`` at ``threshold``."""
    right, guesses, wrong = 0, 0, []
    for row in spellings:
        exact = found.lookup(row["text"])
        if exact.how == EXACT:
            code = exact.place
        else:
            score, code = best(found, row["text"], scorer)
            code = code if score >= threshold else None
        if code:
            guesses += 1
            if code == row["code"]:
                right += 1
            else:
                wrong.append(f"{row['text']}→{code}")
    positives = sum(1 for row in spellings if row["code"])
    return right / guesses if guesses else 1.0, right / positives, wrong


def main():
    found = matcher()
    spellings = rows("place_spellings.csv", ROOT / "tests" / "regions")
    positives = [row for row in spellings if row["code"]]
    exact = sum(1 for row in positives if found.lookup(row["text"]).how == EXACT)
    print(
        f"{len(positives)} spellings of a region ({exact} exact by name or alias), "
        f"{len(spellings) - len(positives)} that must not match; {len(found.fuzzy_keys)} keys"
    )
    print(f"{'scorer':<18}{'threshold':>10}{'precision':>11}{'recall':>8}  wrong guesses")
    for name, scorer in SCORERS.items():
        for threshold in THRESHOLDS:
            precision, recall, wrong = measure(found, spellings, scorer, threshold)
            print(f"{name:<18}{threshold:>10}{precision:>11.3f}{recall:>8.3f}  {', '.join(wrong[:6])}")
    missed = [row["text"] for row in positives if found.lookup(row["text"]).place != row["code"]]
    print("not read at the chosen threshold (asked in the preview):", ", ".join(missed) or "none")


if __name__ == "__main__":
    main()
