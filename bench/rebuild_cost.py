"""What the first visitor after a follow-up pays on each page of the readers' mix, next to the
same page rendered with its figures cached, with the production caches on.

For each page of ``bench/after_edit.py``'s mix (home, tracker, the lists, the four region pages,
one workshop and its commune), ``--rounds`` times and pages taken in turn (so that a machine
shared with others loads both measures alike): a follow-up through the quick update form, then
the page's first request (a new visitor), then the page forgotten alone with the figures still
cached (the anchor: the figures-cached render). Prints, per page, the medians, the slowest
first request, the queries of each, their ratio, and the load average at the start and end::

    DATABASE_URL=sqlite:////tmp/national.sqlite3 .venv/bin/python bench/rebuild_cost.py --rounds 5

Writes follow-ups with the note "bench" (the quick update form's, as ``bench/after_edit.py``).
"""

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.after_edit import Scene, edit, load, staff_client, timed, use_temporary_caches, visitor  # noqa: E402
from bench.run import setup_django  # noqa: E402


def pages(scene):
    """``(label, path)`` of the measured pages: the mix's lists and regions, a workshop, a commune."""
    from django.urls import resolve
    from django.utils import translation

    chosen = []
    for path in dict.fromkeys(scene.mix[:8]):
        with translation.override("fr"):
            match = resolve(path)
        label = match.view_name if "slug" not in match.kwargs else f"region {match.kwargs['slug'][:14]}"
        chosen.append((label, path))
    return [*chosen, ("workshop", scene.paths["workshop"]), ("commune", scene.paths["commune"])]


def rebuild_costs(scene, rounds):
    """``{label: (first, anchor)}``: lists of ``(ms, queries)`` over ``rounds`` rounds."""
    from config import pagecache

    staff, client = staff_client(), visitor()
    chosen = pages(scene)
    for _label, path in chosen:
        client.get(path)
    results = {label: ([], []) for label, _path in chosen}
    for _ in range(rounds):
        for label, path in chosen:
            edit(staff, scene.commitment)
            results[label][0].append(timed(client, path)[:2])
            pagecache.forget_pages(*pagecache.page_scopes(path)[1:])  # this page's scopes only
            results[label][1].append(timed(client, path)[:2])
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="follow-ups per page")
    args = parser.parse_args()
    use_temporary_caches()
    setup_django()
    from django.conf import settings

    scene = Scene()
    backend = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"Rebuild cost after a follow-up ({backend}, {args.rounds} rounds; load at start {load()})")
    print(
        f"{'page':<24} {'first ms':>9} {'max ms':>8} {'queries':>8} {'cached-figures ms':>18} "
        f"{'queries':>8} {'ratio':>6}"
    )
    for label, (first, anchor) in rebuild_costs(scene, args.rounds).items():
        first_ms = statistics.median(t for t, _q in first)
        anchor_ms = statistics.median(t for t, _q in anchor)
        print(
            f"{label:<24} {first_ms:>9.1f} {max(t for t, _q in first):>8.1f} {max(q for _t, q in first):>8} "
            f"{anchor_ms:>18.1f} {max(q for _t, q in anchor):>8} {first_ms / anchor_ms:>6.2f}"
        )
    print(f"load at end {load()}")


if __name__ == "__main__":
    main()
