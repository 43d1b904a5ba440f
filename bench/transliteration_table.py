"""How far the transliteration key goes (regions.transliteration): common Moroccan first and
family names, each in a Latin spelling met in sheets and in Arabic letters; prints hits and
misses (a hit: both spellings have the same key, so either finds the other).

    python bench/transliteration_table.py

The pairs are those of ``tests/test_transliteration.py``; figures in docs/search.md.
"""

import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from regions.transliteration import translit_key  # noqa: E402
from tests.test_transliteration import KNOWN_MISSES, NAME_PAIRS  # noqa: E402


def main():
    pairs = NAME_PAIRS + KNOWN_MISSES
    hits = 0
    print(f"{'Latin':<18} {'Arabic':<16} {'key (Latin)':<12} {'key (Arabic)':<12} result")
    for latin, arabic in pairs:
        same = translit_key(latin) == translit_key(arabic)
        hits += same
        keys = f"{translit_key(latin):<12} {translit_key(arabic):<12}"
        print(f"{latin:<18} {arabic:<16} {keys} {'hit' if same else 'MISS'}")
    print(f"\n{hits} hits, {len(pairs) - hits} misses out of {len(pairs)} pairs")


if __name__ == "__main__":
    main()
