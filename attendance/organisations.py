"""Which saved organisation each organisation name of a sheet is, decided once per distinct name.

In this order: the folded name of a saved organisation; an alias of one
(``organizations.OrganizationAlias``); else the preview asks (``attendance.choices``, kind
"organisation"), proposing, when the sheet's people recognised by phone or e-mail belong to a
saved organisation (their current one, else that of their latest participation), "the same
organisation, other spelling"; failing that, the saved organisation of the rows' region whose
name is most alike (``organizations.matching``, at least ``FUZZY_THRESHOLD``); failing that, a
new organisation, with organisations of the region whose names come near
(``CANDIDATE_THRESHOLD``) as other options. A name that no saved organisation comes near is a
new organisation without a question (there is nothing to choose from). Answered "same as", the
rows take that organisation and the sheet's spelling is recorded as its alias when the import
is confirmed, so the same sheet asks no more.

Two limits (``docs/data-protection.md``): the people recognised by phone or e-mail propose
their organisation only to an importer who may see contacts (``ImportResult.contacts_visible``),
else a typed phone would tell which organisation its owner belongs to; and an alias, which
steers every later import, is recorded only for an importer allowed to add aliases
(``ImportResult.may_record_aliases``) who answered the question (the management command takes
the proposals unseen and records none), else the answer holds for this import only; so it does
for a name that says only what kind of organisation it is ("Association", "جمعية":
``organizations.matching.is_generic``), which would otherwise send every later sheet's
"Association" to that one.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from attendance.choices import Question
from attendance.vocabulary import chunks
from organizations.matching import CANDIDATE_THRESHOLD, FUZZY_THRESHOLD, NameIndex, is_generic
from organizations.models import Organization, OrganizationAlias
from regions.names import collapse_spaces, fold
from workshops.models import Participation

NEW = "new"
# Other organisations offered below the proposed one, at most.
MORE_CANDIDATES = 3


@dataclass
class _Name:
    """One distinct organisation name of the sheet: as first typed, its rows, the saved people
    recognised by phone or e-mail on them and the regions the rows give."""

    typed: str
    rows: list = field(default_factory=list)
    people: list = field(default_factory=list)
    regions: set = field(default_factory=set)


@dataclass
class Decided:
    """``found``: ``{folded name: saved Organization}``; names absent are new organisations.
    ``aliases``: unsaved OrganizationAlias objects to record when the import is confirmed."""

    found: dict
    aliases: list


def decide_organisations(resolved, result):
    """Decide the organisation of each distinct organisation name of ``resolved`` (``[row,
    saved person or None, matched_by]``, from ``people.match_saved``) with the answers in
    ``result.choices``; questions go to ``result.questions``. Returns ``Decided``. A fixed number
    of queries (in slices of ``QUERY_CHUNK`` names)."""
    names = _distinct_names(resolved, by_contact=result.contacts_visible)
    found = {}
    for chunk in chunks(names):
        found.update(Organization.objects.by_name_or_alias(chunk))
    unknown = {key: name for key, name in names.items() if key not in found}
    aliases = []
    if not unknown:
        return Decided(found, aliases)
    known_by_people = _organisations_of_people(unknown)
    in_regions = _organisations_in_regions(unknown)
    for key, name in unknown.items():
        question, offered = _question(key, name, known_by_people, in_regions)
        if not offered:
            continue  # no saved organisation comes near: a new one, nothing to ask
        result.questions.append(question)
        answer = result.choices.answer(question)
        if answer != NEW:
            organization = offered[answer]
            found[key] = organization
        if answer != NEW and _may_record(result, question, key):
            aliases.append(
                OrganizationAlias(
                    organization=organization,
                    name=name.typed,
                    key=key,
                    language=OrganizationAlias.guess_language(name.typed),
                    source=OrganizationAlias.Source.IMPORT,
                )
            )
    return Decided(found, aliases)


def _may_record(result, question, key):
    """Whether answering "same as" to ``question`` records the alias ``key``: the staff member
    answered it (a form; not a proposal taken unseen, as the management command does), may add
    aliases, and the name says more than a kind of organisation."""
    return result.choices.given(question) and result.may_record_aliases and not is_generic(key)


def _distinct_names(resolved, by_contact=True):
    """``{folded name: _Name}`` in sheet order; ``by_contact`` False: without the saved people
    recognised by phone or e-mail."""
    names = {}
    for row, person, matched_by in resolved:
        if not row.organization:
            continue
        name = names.setdefault(fold(row.organization), _Name(collapse_spaces(row.organization)))
        name.rows += row.rows
        if by_contact and person is not None and matched_by in ("phone", "email"):
            name.people.append(person)
        if row.region is not None:
            name.regions.add(row.region.pk)
    return names


def _organisations_of_people(unknown):
    """``{person pk: Organization}``: the current organisation of each saved person of
    ``unknown``'s names, else that of their latest participation. Two queries per slice."""
    people = {person.pk: person for name in unknown.values() for person in name.people}
    organisation_ids = {pk: person.organization_id for pk, person in people.items() if person.organization_id}
    without = [pk for pk in people if pk not in organisation_ids]
    for chunk in chunks(without):
        latest = (
            Participation.objects.filter(person_id__in=chunk, organization__isnull=False)
            .order_by("person_id", "-workshop__start_date", "-pk")
            .values_list("person_id", "organization_id")
        )
        for person_id, organization_id in latest:
            organisation_ids.setdefault(person_id, organization_id)
    saved = {}
    for chunk in chunks(set(organisation_ids.values())):
        saved.update(Organization.objects.in_bulk(chunk))
    return {pk: saved[org_id] for pk, org_id in organisation_ids.items() if org_id in saved}


def _organisations_in_regions(unknown):
    """``{region pk: organizations.matching.NameIndex}``: the saved organisations of the regions
    ``unknown``'s rows give, by name, acronym and aliases. Two queries."""
    regions = {pk for name in unknown.values() for pk in name.regions}
    if not regions:
        return {}
    organisations = {o.pk: o for o in Organization.objects.filter(region__in=regions).order_by("pk")}
    keys = {pk: [o.name_key, fold(o.acronym)] for pk, o in organisations.items()}
    aliases = OrganizationAlias.objects.filter(organization__region__in=regions)
    for organization_id, key in aliases.values_list("organization_id", "key"):
        keys[organization_id].append(key)
    by_region = {}
    for pk, organization in organisations.items():
        by_region.setdefault(organization.region_id, []).append((organization, keys[pk]))
    return {region: NameIndex(candidates) for region, candidates in by_region.items()}


def _question(key, name, known_by_people, in_regions):
    """``(Question, {answer: Organization})``: the question about the unknown name ``key`` and
    the organisations its "same as" options stand for."""
    by_people = Counter(known_by_people[p.pk] for p in name.people if p.pk in known_by_people)
    candidates = [
        (score, o) for pk in name.regions if pk in in_regions for score, o in in_regions[pk].ranked(key)
    ]
    candidates.sort(key=lambda pair: (-pair[0], pair[1].pk))
    proposed = [o for o, _count in by_people.most_common()]
    proposed += [o for score, o in candidates if score >= FUZZY_THRESHOLD]
    others = [o for score, o in candidates if CANDIDATE_THRESHOLD <= score < FUZZY_THRESHOLD]
    ordered = list(dict.fromkeys([*proposed, *others]))[: 1 + MORE_CANDIDATES]
    new = (NEW, _("New organisation “%(name)s”") % {"name": name.typed})
    same = [(f"org-{o.pk}", _("Same as: %(name)s") % {"name": o.name}) for o in ordered]
    if proposed:
        first = (same[0][0], _("Same as: %(name)s (other spelling)") % {"name": ordered[0].name})
        options = [first, new, *same[1:]]
    else:
        options = [new, *same]
    return Question(
        kind="organisation",
        value=name.typed,
        text=_("“%(name)s” is not the name of a saved organisation. Which organisation is it?")
        % {"name": name.typed},
        options=options,
        rows=sorted(name.rows),
    ), {f"org-{o.pk}": o for o in ordered}
