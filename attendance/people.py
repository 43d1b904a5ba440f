"""Who is who: rows of one sheet that are the same person, and sheet rows that are people
already saved.

In the sheet
    Rows with the same phone or e-mail are one person: they are merged (presence ticked on
    any of them counts) and a warning names the rows. Rows with the same name and
    organisation but different contacts are warned about, never merged. Rows without phone or
    e-mail are flagged, and a sheet without either column is said to be one.

Against saved people
    A row is matched by phone, then e-mail (``saved_contacts``, ``match_saved``). A row whose
    phone matches one saved person and e-mail another is matched on the phone, with a warning;
    rows that reach the same saved person become one participant. A row that no phone or
    e-mail matches is matched, with a warning, to a person already registered for the
    workshop with the same name (``regions.names.name_key``) and organisation (however the
    import reads the sheet's spelling: ``match_by_name``), when no phone, e-mail or
    organisation contradicts it: so a sheet without contacts imported twice changes nothing
    (homonyms pair up one to one). A new person with the name and organisation of a
    saved one is warned about (``warn_saved_look_alikes``).
"""

from django.utils.translation import gettext as _

from attendance.vocabulary import SheetError, chunks, field_labels
from config.wording import join_list
from organizations.models import Person
from organizations.privacy import mask_email, mask_phone, skip_erased
from regions.names import fold, name_key

MERGED_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "organization",
    "position",
    "city",
    "region",
    "phone",
    "email",
    "age_band",
    "consent_date",
    "status",
)


def is_blank(value):
    """True for a value a sheet leaves unsaid: "", None or the unspecified gender."""
    return value in ("", None, Person.Gender.UNSPECIFIED)


def merge_rows(base, other, labels=None):
    """Merge the ParsedRow ``other`` into ``base`` (changed in place) and return warnings.

    ``base`` keeps its values; its blanks take ``other``'s; a session ticked on either row
    counts as present. Each field where both rows hold different values gives a SheetError
    on ``other``'s row naming the value kept. ``labels`` maps field names to the column
    headers as typed.
    """
    labels = labels or {}
    warnings = []
    for name in MERGED_FIELDS:
        mine, theirs = getattr(base, name), getattr(other, name)
        if is_blank(theirs):
            continue
        if is_blank(mine):
            setattr(base, name, theirs)
        elif (fold(str(mine)) if isinstance(mine, str) else mine) != (
            fold(str(theirs)) if isinstance(theirs, str) else theirs
        ):
            warnings.append(
                SheetError(
                    other.row,
                    labels.get(name) or field_labels().get(name, name),
                    _("“%(value)s” differs from row %(row)s (“%(kept)s”), whose value is kept.")
                    % {"value": theirs, "row": base.row, "kept": mine},
                )
            )
    for session_pk, present in other.present.items():
        base.present[session_pk] = base.present.get(session_pk, False) or present
    base.rows = sorted({*base.rows, *other.rows})
    return warnings


def merge_duplicates(parsed, labels=None):
    """Merge rows that share a phone or an e-mail (directly or through another row).

    Returns ``(rows, warnings)``: one ParsedRow per person in the order of their first row,
    and for every merge a SheetError naming the rows, plus one per conflicting value.
    """
    parent = list(range(len(parsed)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with = {}
    for index, row in enumerate(parsed):
        for key in (("phone", row.phone), ("email", row.email)):
            if not key[1]:
                continue
            if key in first_with:
                a, b = root(first_with[key]), root(index)
                parent[max(a, b)] = min(a, b)
            else:
                first_with[key] = index
    groups = {}
    for index in range(len(parsed)):
        groups.setdefault(root(index), []).append(index)
    merged, warnings = [], []
    for members in groups.values():
        base = parsed[members[0]]
        for index in members[1:]:
            warnings.extend(merge_rows(base, parsed[index], labels))
        if len(members) > 1:
            warnings.append(
                SheetError(
                    base.row,
                    None,
                    _(
                        "Rows %(rows)s are the same person (same phone or e-mail): they are merged into "
                        "one participant."
                    )
                    % {"rows": join_list(parsed[i].row for i in members)},
                )
            )
        merged.append(base)
    merged.sort(key=lambda row: row.row)
    warnings.sort(key=lambda w: w.row or 0)
    return merged, warnings


def sheet_people(sheet):
    """The people of a ``rows.ParsedSheet``: ``(rows, warnings)``, rows sharing a phone or an
    e-mail merged (``merge_duplicates``), with warnings for look-alikes and rows without
    contacts."""
    header = sheet.header
    labels = {name: header.label(name) for name in header.columns}
    people, warnings = merge_duplicates(sheet.rows, labels)
    warnings.extend(_look_alikes(people))
    warnings.extend(_without_contacts(people, header))
    return people, warnings


def _without_contacts(parsed, header):
    """Warnings for people the sheet gives no phone or e-mail for: they can be recognised on a
    later import only by name and organisation, within the workshop."""
    columns = header.columns
    if "phone" not in columns and "email" not in columns:
        return [
            SheetError(
                None,
                None,
                _(
                    "The sheet has no phone or e-mail column: people are recognised only by name and "
                    "organisation among those already registered for this workshop, and anyone new "
                    "to it is recorded as a new person."
                ),
            )
        ]
    column = header.label("phone" if "phone" in columns else "email")
    return [
        SheetError(
            row.row,
            column,
            _(
                "This row has neither phone nor e-mail: the person can be recognised later only by "
                "name and organisation, among those registered for this workshop."
            ),
        )
        for row in parsed
        if not row.phone and not row.email
    ]


def _look_alikes(parsed):
    """Warn about rows with the same name and organisation but different contacts."""
    seen, warnings = {}, []
    for row in parsed:
        key = (name_key(row.first_name, row.last_name), fold(row.organization))
        if key in seen:
            warnings.append(
                SheetError(
                    row.row,
                    None,
                    _(
                        "Same name and organisation as row %(other)s, but not the same phone or e-mail: "
                        "two people will be recorded. If they are one person, give both rows the same "
                        "phone or e-mail, or delete one."
                    )
                    % {"other": seen[key]},
                )
            )
        else:
            seen[key] = row.row
    return warnings


def saved_contacts(parsed):
    """``(by_phone, by_email)``: the saved people whose phone or e-mail a row of ``parsed``
    gives, keyed by it. Queries in slices of ``QUERY_CHUNK`` values."""
    by_phone, by_email = {}, {}
    for chunk in chunks({row.phone for row in parsed if row.phone}):
        by_phone.update({p.phone: p for p in Person.objects.filter(phone__in=chunk)})
    for chunk in chunks({row.email for row in parsed if row.email}):
        by_email.update({p.email: p for p in Person.objects.filter(email__in=chunk)})
    return by_phone, by_email


def saved_person(phone, email):
    """The saved person that a phone (E.164) or an e-mail (lower-cased) identifies, as an import
    matches a row: ``(person or None, "phone"/"email"/"")``; the phone wins when the two belong
    to two people. Two queries at most (the public registration form's one applicant)."""
    phone_match = Person.objects.filter(phone=phone).first() if phone else None
    if phone_match is not None:
        return phone_match, "phone"
    email_match = Person.objects.filter(email=email).first() if email else None
    return (email_match, "email") if email_match is not None else (None, "")


def _contact_match(row, by_phone, by_email, result):
    """``(saved person or None, "phone"/"email"/"")`` for ``row``; when its phone and e-mail
    belong to two saved people, the phone wins, the e-mail is dropped and a warning says so."""
    phone_match = by_phone.get(row.phone) if row.phone else None
    email_match = by_email.get(row.email) if row.email else None
    if phone_match is None:
        return (email_match, "email") if email_match is not None else (None, "")
    if email_match is not None and email_match.pk != phone_match.pk:
        result.warnings.append(
            SheetError(
                row.row,
                None,
                _(
                    "The phone belongs to %(phone_person)s and the e-mail to %(email_person)s, "
                    "two people already saved: matched on the phone; the e-mail is not copied."
                )
                % _people_named(result, phone_person=phone_match, email_person=email_match),
            )
        )
        row.email = ""
    return phone_match, "phone"


def match_saved(workshop, parsed, by_phone, by_email, result):
    """Match the merged rows ``parsed`` to saved people by phone, then e-mail (then, once the
    sheet's organisations are known, ``match_by_name``). Rows that reach the same saved person
    are merged, with a warning. Returns ``[[row, person or None, matched_by]]`` in sheet order;
    adds warnings and counts (``rows_merged``) to ``result`` (a ``plan.ImportResult``)."""
    resolved, by_person = [], {}
    for row in parsed:
        person, matched_by = _contact_match(row, by_phone, by_email, result)
        if person is not None and person.pk in by_person:
            earlier = by_person[person.pk][0]
            result.warnings.extend(merge_rows(earlier, row))
            result.warnings.append(
                SheetError(
                    row.row,
                    None,
                    _(
                        "Rows %(rows)s are the same saved person (%(person)s, found by phone on one and "
                        "by e-mail on another): they are merged into one participant."
                    )
                    % {
                        "rows": join_list(earlier.rows),
                        **_people_named(result, person=person),
                    },
                )
            )
            result.rows_merged += 1
            continue
        resolved.append([row, person, matched_by])
        if person is not None:
            by_person[person.pk] = (row, matched_by)
    return resolved


def match_by_name(workshop, resolved, organisations, result):
    """Match the rows of ``resolved`` (from ``match_saved``, changed in place) that no phone
    or e-mail matched, by name within ``workshop`` (``_match_by_name``). ``organisations``:
    ``{folded organisation name: saved Organization}`` as the import decided them (a name
    spelt otherwise, an alias, matches its organisation)."""
    if any(person is None for _row, person, _by in resolved):
        taken = {person.pk for _row, person, _by in resolved if person is not None}
        _match_by_name(workshop, resolved, taken, organisations, result)


def _people_named(result, **people):
    """``{name: str}`` for the message placeholders: each saved person by name, or a neutral
    word when the importer may not see contacts (a name found through a contact is one)."""
    if result.contacts_visible:
        return {key: str(person) for key, person in people.items()}
    return {key: _("a person already saved") for key in people}


def _organization_keys(participation):
    """Folded names of the organisations a saved participant is known by ("" for none)."""
    return {
        organization.name_key if organization else ""
        for organization in (participation.organization, participation.person.organization)
    }


def _match_by_name(workshop, resolved, taken, organisations, result):
    """Match rows that no phone or e-mail matched to people already registered for the
    workshop with the same name (``name_key``) and organisation, so that a sheet without
    contacts imported twice changes nothing.

    ``resolved``: ``[row, person or None, matched_by]`` lists, changed in place; ``taken``:
    pks of saved people already matched (a set, added to); ``organisations``: see
    ``match_by_name``. One query. A saved person is matched at most once (homonyms pair up in
    sheet order and saved order) and only when nothing contradicts: a phone or e-mail on both
    sides (they would differ), or two different organisations. An exact organisation match is
    preferred to a blank one. Each match is a warning on its row.
    """
    candidates = {}
    participations = workshop.participations.select_related("person__organization", "organization")
    for participation in participations.order_by("person_id"):
        person = participation.person
        if person.pk not in taken:
            candidates.setdefault(name_key(person.first_name, person.last_name), []).append(participation)
    for entry in resolved:
        row, person, _matched_by = entry
        group = candidates.get(name_key(row.first_name, row.last_name)) if person is None else None
        if not group:
            continue
        org = fold(row.organization)
        same = organisations.get(org)

        def known(p, org=org, same=same):
            ids = {p.organization_id, p.person.organization_id}
            return org in _organization_keys(p) or (same is not None and same.pk in ids)

        compatible = [
            p
            for p in group
            if not (row.phone and p.person.phone)
            and not (row.email and p.person.email)
            and (not org or known(p) or _organization_keys(p) == {""})
        ]
        exact = [p for p in compatible if known(p)]
        chosen = (exact or compatible or [None])[0]
        if chosen is None:
            continue
        group.remove(chosen)
        taken.add(chosen.person.pk)
        entry[1], entry[2] = chosen.person, "name"
        result.warnings.append(
            SheetError(
                row.row,
                None,
                _(
                    "No phone or e-mail on this row identifies a saved person: matched only by name "
                    "and organisation with %(person)s, already registered for this workshop. If this "
                    "is someone else, give the row a phone or e-mail."
                )
                % {"person": chosen.person if result.names_visible else _("a person already saved")},
            )
        )


def _saved_contact(phone, email, result):
    """The saved person's phone or e-mail for a message, masked as in the admin when the importer
    may not see contacts."""
    if not (phone or email):
        return _("no phone or e-mail")
    if result.contacts_visible:
        return phone or email
    return mask_phone(phone) if phone else mask_email(email)


def warn_saved_look_alikes(new_names, result):
    """Warn when a person about to be created has the name and organisation of a saved one.

    ``new_names``: ``{(name key, folded organisation): [PlannedRow…]}``; warnings go to
    ``result.warnings``."""
    if not new_names:
        return
    org_keys = {org for _name, org in new_names if org}
    last_names = {planned.person.last_name for group in new_names.values() for planned in group}
    candidates = []
    for chunk in chunks(org_keys):
        candidates += Person.objects.filter(organization__name_key__in=chunk).values_list(
            "first_name", "last_name", "organization__name_key", "phone", "email"
        )
    for chunk in chunks(last_names):
        candidates += Person.objects.filter(organization=None, last_name__in=chunk).values_list(
            "first_name", "last_name", "organization__name_key", "phone", "email"
        )
    for first, last, org_key, phone, email in candidates:
        for planned in new_names.get((name_key(first, last), org_key or ""), []):
            result.warnings.append(
                SheetError(
                    planned.first_row,
                    None,
                    _(
                        "A person with this name and organisation is already saved (%(contact)s), but "
                        "without this row's phone or e-mail: a new person will be recorded. If it is "
                        "the same person, put the saved phone or e-mail on the sheet."
                    )
                    % {"contact": _saved_contact(phone, email, result)},
                )
            )


def skip_erased_people(parsed, warnings):
    """People erased stay erased: the rows of ``parsed`` whose phone or e-mail is an erased
    person's are left out; a row that only bears an erased person's name is kept, with a warning
    added to ``warnings``. Returns ``(rows kept, [(row, ErasureRecord)] skipped)``; one query
    (``organizations.privacy.skip_erased``)."""
    kept, skipped, look_alikes = skip_erased(parsed)
    warnings += [
        SheetError(
            row.row,
            None,
            _(
                "Same name as a person %(erased)s, but not the same phone or e-mail: a new person "
                "will be recorded. If it is them, remove the row unless they gave a new consent."
            )
            % {"erased": record.why_skipped},
        )
        for row, record in look_alikes
    ]
    return kept, skipped
