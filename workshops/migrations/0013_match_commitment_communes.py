"""Move each commitment's free-text "communes concerned" to the relation ``target_communes``.

The text is split on commas (, ،), semicolons (; ؛), slashes, line breaks and the words "et" and
"و" (also when glued to the next name, "طنجة وأصيلة"); each name loses a leading "commune (urbaine/rurale) de", "CR", "CU" or "جماعة" and is
matched by its folded form (``regions.names.fold``) against the French and Arabic names and the
HCP codes of the census communes. A name that several communes bear is settled by the
commitment's target provinces, then regions; if it is still not one commune, or no commune bears
it, it is kept in ``unmatched_communes`` (comma-separated) for a staff member to settle, and the
migration prints it. Reversing copies the matched names and the unmatched text back.
"""

import re
from collections import defaultdict

from django.db import migrations

from regions.names import fold

SEPARATORS = re.compile(r"[,،;؛/\n]+|\s+et\s+|\s+و\s+", re.IGNORECASE)
PREFIX = re.compile(
    r"^(?:(?:la |le )?commune(?: urbaine| rurale)?(?: d[e'’]| du| des)?|c ?[ru]|جماعة(?: قروية| حضرية)?)\s+",
    re.IGNORECASE,
)


GLUED_AND = re.compile(r"\s+(?=و\S)")


def split_names(text):
    """The names of a free-text list (list of str, stripped, empty ones dropped)."""
    names = (PREFIX.sub("", name.strip()).strip() for name in SEPARATORS.split(text or ""))
    return [name for name in names if fold(name)]


def commune_index(communes):
    """``{folded name or code: [commune, …]}`` over both names and the code of each commune."""
    index = defaultdict(list)
    for commune in communes:
        for name in {fold(commune.name_fr), fold(commune.name_ar), commune.code}:
            index[name].append(commune)
    return index


def find(name, index, provinces, regions):
    """The one commune ``name`` means, or None. An Arabic name glued to "و" ("ومكناس") is tried
    without it when it matches nothing whole."""
    candidates = index.get(fold(name)) or []
    if not candidates and name.startswith("و"):
        candidates = index.get(fold(name[1:])) or []
    for scope in (None, provinces, regions):
        if scope is not None:
            key = "province_id" if scope is provinces else "region_code"
            candidates = [c for c in candidates if _scope_value(c, key) in scope] or candidates
        if len(candidates) == 1:
            return candidates[0]
    return None


def _scope_value(commune, key):
    return commune.province_id if key == "province_id" else commune.province.region.code


def match_text(text, index, provinces=(), regions=()):
    """Return ``(communes, unmatched)``: the communes ``text`` names (list, each once, in order)
    and the names that matched none (list of str as typed)."""
    communes, unmatched = [], []
    provinces, regions = set(provinces), set(regions)
    for name in split_names(text):
        found = [find(name, index, provinces, regions)]
        if found[0] is None and GLUED_AND.search(name):
            # "طنجة وأصيلة": try the parts before each word glued to و; all must match.
            found = [find(part, index, provinces, regions) for part in GLUED_AND.split(name)]
        if None in found:
            unmatched.append(name)
            continue
        communes += [commune for commune in found if commune not in communes]
    return communes, unmatched


def forward(apps, schema_editor):
    Commune = apps.get_model("regions", "Commune")
    Commitment = apps.get_model("workshops", "Commitment")
    commitments = Commitment.objects.exclude(communes="").prefetch_related(
        "target_provinces", "target_regions"
    )
    if not commitments.exists():
        return
    index = commune_index(Commune.objects.select_related("province__region"))
    for commitment in commitments:
        provinces = [p.pk for p in commitment.target_provinces.all()]
        regions = [r.code for r in commitment.target_regions.all()]
        communes, unmatched = match_text(commitment.communes, index, provinces, regions)
        commitment.target_communes.add(*communes)
        if unmatched:
            commitment.unmatched_communes = ", ".join(unmatched)[:255]
            commitment.save(update_fields=["unmatched_communes"])
            print(f"\n  commitment {commitment.pk}: no commune found for {commitment.unmatched_communes}")


def backward(apps, schema_editor):
    Commitment = apps.get_model("workshops", "Commitment")
    for commitment in Commitment.objects.prefetch_related("target_communes"):
        names = [c.name_fr for c in commitment.target_communes.all()]
        if commitment.unmatched_communes:
            names.append(commitment.unmatched_communes)
        if names:
            commitment.communes = ", ".join(names)[:255]
            commitment.save(update_fields=["communes"])


class Migration(migrations.Migration):
    dependencies = [("workshops", "0012_communes")]

    operations = [migrations.RunPython(forward, backward)]
