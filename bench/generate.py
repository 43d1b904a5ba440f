"""Seeded generator of realistic tracker data at a chosen scale, for benchmarks.

Run from the project folder, into the database named by ``DATABASE_URL`` (migrated, without
workshops; ``--scale small`` for a quick check)::

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/generate.py --scale national

Scales (``SCALES``): ``national`` is 3,000 organisations, 5,000 workshops over ten years
(2016-2025) with 1-3 sessions, 150,000 people, exactly 1,000,000 attendance marks, 15,000
recommendations, 40,000 follow-ups (plus commitments, milestones and monitoring committees, so
that the tracker has something to show); ``tenth`` is a tenth of it and ``small`` a hundredth.
The same seed gives the same data. Workshops are held in a commune of their region, and one
person in two says the commune they come from (a commune of their region), drawn in proportion
to the communes' 2024 population. Regions are drawn in proportion to the legal population of the 2024 census
(``Region.population_2024``, from ``regions/data/regions.csv``); about 45 % of the people are
women (women are under-represented at such workshops, but far from absent), age bands follow a
young adult population.

Inserts are bulk (``bulk_create`` in batches of 5,000; PostgreSQL's ``COPY`` through psycopg 3
for attendance marks). ``Organization.name_key`` is set here since ``bulk_create`` skips
``save()``. Every database constraint holds. Prints how long each table took.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {
    "national": {
        "organizations": 3_000,
        "workshops": 5_000,
        "people": 150_000,
        "attendance": 1_000_000,
        "recommendations": 15_000,
        "commitments": 10_000,
        "follow_ups": 40_000,
        "committees": 200,
    },
    "tenth": {
        "organizations": 300,
        "workshops": 500,
        "people": 15_000,
        "attendance": 100_000,
        "recommendations": 1_500,
        "commitments": 1_000,
        "follow_ups": 4_000,
        "committees": 20,
    },
    "small": {
        "organizations": 30,
        "workshops": 50,
        "people": 1_500,
        "attendance": 10_000,
        "recommendations": 150,
        "commitments": 100,
        "follow_ups": 400,
        "committees": 4,
    },
}
BATCH = 5_000
FIRST_F = ["فاطمة", "خديجة", "نزهة", "سناء", "Hajar", "Asmae", "Leila", "Karima", "Salma", "Imane", "حنان"]
FIRST_M = ["محمد", "يوسف", "عبد الرحيم", "سعيد", "Mehdi", "Youssef", "Aziz", "Hamza", "Omar", "Rachid"]
LAST = [
    "بناني",
    "المرابط",
    "بلحاج",
    "البقالي",
    "أمزيان",
    "BENNANI",
    "MRABET",
    "EL BAKKALI",
    "TAZI",
    "IDRISSI",
]
ORG_WORDS = ["Association", "جمعية", "Réseau", "شبكة", "Collectif", "Fondation", "Commune", "جماعة"]
ORG_TOPICS = ["Tanmia", "Amal", "Nour", "الأمل", "التنمية", "Femmes", "Jeunes", "Atlas", "Sahara", "الشباب"]
# Shares of the age bands among participants: mostly working-age adults.
AGE_BANDS = [
    ("under_18", 3),
    ("18_24", 18),
    ("25_34", 28),
    ("35_44", 22),
    ("45_54", 15),
    ("55_64", 9),
    ("65_plus", 3),
    ("", 2),
]
GENDERS = [("female", 45), ("male", 53), ("unspecified", 2)]


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def weighted(rng, pairs, k):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=k)


class Timer:
    def __init__(self):
        self.start = time.perf_counter()
        self.last = self.start

    def step(self, label, rows):
        now = time.perf_counter()
        print(f"  {label:<22} {rows:>10,} rows  {now - self.last:6.1f} s", flush=True)
        self.last = now


def bulk(model, objects):
    """Insert ``objects`` in batches; return them with their primary keys set."""
    return model.objects.bulk_create(objects, batch_size=BATCH)


def copy_rows(table, columns, rows):
    """Insert ``rows`` (tuples) into ``table``: COPY on PostgreSQL, executemany elsewhere."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])


def spread(total, parts):
    """``total`` split into ``parts`` integers as equal as possible (a list)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def communes_of_regions(seed):
    """A function ``region pk -> pk of one of its communes``, drawn from a random stream of
    ``seed`` of its own, in proportion to the communes' 2024 population."""
    from regions.models import Commune

    rng, communes = random.Random(seed + 1), {}
    rows = Commune.objects.order_by("pk").values_list("pk", "province__region", "population_2024")
    for pk, region_id, population in rows:
        pks, totals = communes.setdefault(region_id, ([], []))
        pks.append(pk)
        totals.append((totals[-1] if totals else 0) + (population or 1))

    def place(region_id):
        if region_id not in communes:
            return None
        pks, totals = communes[region_id]
        return rng.choices(pks, cum_weights=totals)[0]

    return place


class Generator:
    """One run of ``generate``: the random stream, the sizes and the ids made so far, with a
    method per kind of row, called in a fixed order (``run``) so that a seed always gives the
    same data."""

    def __init__(self, sizes, seed):
        from regions.models import Region

        self.sizes = sizes
        self.rng = random.Random(seed)
        self.timer = Timer()
        regions = list(Region.objects.order_by("code"))
        self.region_weights = [(r.pk, r.population_2024) for r in regions]
        self.provinces = {
            region.pk: list(region.provinces.values_list("pk", flat=True)) for region in regions
        }
        # Communes from a stream of their own: the rest of the data stays what the seed gave before.
        self.place = communes_of_regions(seed)

    def region(self):
        """A region id drawn in proportion to the 2024 census."""
        return weighted(self.rng, self.region_weights, 1)[0]

    def run(self):
        """Every kind of row, in order; returns the counts (a dict, ``seconds`` included)."""
        self.organizations()
        self.people()
        self.workshops()
        self.sessions()
        self.participations()
        self.recommendations()
        self.commitments()
        self.follow_ups()
        self.committees()
        return {
            "organizations": len(self.org_ids),
            "people": len(self.person_ids),
            "workshops": len(self.workshop_rows),
            "sessions": len(self.session_rows),
            "attendance": self.attendance_count,
            "recommendations": len(self.recommendation_rows),
            "follow_ups": self.follow_up_count,
            "seconds": time.perf_counter() - self.timer.start,
        }

    def organizations(self):
        """Organisations: names unique once lower-cased; name_key as save() would set it."""
        from organizations.models import Organization
        from regions.names import fold

        rng, organizations = self.rng, []
        for i in range(self.sizes["organizations"]):
            region_id = self.region()
            name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_TOPICS)} {i + 1}"
            provinces = self.provinces[region_id]
            organizations.append(
                Organization(
                    name=name,
                    name_key=fold(name),
                    kind=rng.choice(list(Organization.Kind.values)),
                    region_id=region_id,
                    province_id=rng.choice(provinces) if provinces else None,
                )
            )
        self.org_ids = [o.pk for o in bulk(Organization, organizations)]
        self.timer.step("organisations", len(self.org_ids))

    def people(self):
        """People: one in three gives no phone; one in three an e-mail (both unique when given)."""
        from organizations.models import Person

        rng, count = self.rng, self.sizes["people"]
        genders = weighted(rng, GENDERS, count)
        ages = weighted(rng, AGE_BANDS, count)
        person_regions = weighted(rng, self.region_weights, count)
        people = []
        for i in range(count):
            first = rng.choice(FIRST_F if genders[i] == "female" else FIRST_M)
            people.append(
                Person(
                    first_name=first,
                    last_name=rng.choice(LAST),
                    gender=genders[i],
                    age_band=ages[i],
                    phone=f"+2126{i:08d}" if i % 3 else "",
                    email=f"p{i}@example.ma" if i % 3 == 1 else "",
                    organization_id=rng.choice(self.org_ids) if rng.random() < 0.7 else None,
                    region_id=person_regions[i],
                    commune_id=self.place(person_regions[i]) if i % 2 else None,
                    consent_given=rng.random() < 0.8,
                )
            )
        self.person_ids = [p.pk for p in bulk(Person, people)]
        self.timer.step("people", len(self.person_ids))

    def workshops(self):
        """Workshops over ten years; most held and published; three in ten aimed at a region."""
        from workshops.models import Workshop

        rng, first_day, workshops = self.rng, datetime.date(2016, 1, 1), []
        for i in range(self.sizes["workshops"]):
            start = first_day + datetime.timedelta(days=rng.randrange(3652))
            length = rng.choices([1, 2, 3], weights=[3, 4, 3])[0]
            status = rng.choices(["held", "planned", "cancelled"], weights=[90, 7, 3])[0]
            workshops.append(
                Workshop(
                    title=f"Atelier {i + 1}: {rng.choice(ORG_TOPICS)}",
                    slug=f"atelier-{i + 1}",
                    kind=rng.choice(list(Workshop.Kind.values)),
                    organizer_id=rng.choice(self.org_ids),
                    start_date=start,
                    end_date=start + datetime.timedelta(days=length - 1),
                    venue_region_id=self.region(),
                    status=status,
                    is_published=rng.random() < 0.85,
                    expected_participants=rng.randrange(20, 200),
                )
            )
        for workshop in workshops:
            workshop.venue_commune_id = self.place(workshop.venue_region_id)
        self.workshop_rows = bulk(Workshop, workshops)
        through = Workshop.target_regions.through
        bulk(
            through,
            [
                through(workshop_id=w.pk, region_id=self.region())
                for w in self.workshop_rows
                if rng.random() < 0.3
            ],
        )
        self.timer.step("workshops", len(self.workshop_rows))

    def sessions(self):
        """One session a day of each workshop."""
        from workshops.models import Session

        sessions = [
            Session(workshop_id=w.pk, position=position, date=w.start_date + datetime.timedelta(position - 1))
            for w in self.workshop_rows
            for position in range(1, w.days + 1)
        ]
        self.session_rows = bulk(Session, sessions)
        self.timer.step("sessions", len(self.session_rows))

    def participations(self):
        """Exactly ``sizes["attendance"]`` marks, spread evenly over sessions; a workshop's
        participants are a few more than its fullest session."""
        from workshops.models import Participation

        rng, by_workshop = self.rng, {}
        for s in self.session_rows:
            by_workshop.setdefault(s.workshop_id, []).append(s.pk)
        quotas = spread(self.sizes["attendance"], len(self.session_rows))
        rng.shuffle(quotas)
        quota_of = dict(zip((s.pk for s in self.session_rows), quotas, strict=True))
        participations, plans = [], []
        for w in self.workshop_rows:
            for participation, present in self._attendees(by_workshop[w.pk], quota_of):
                participation.workshop_id = w.pk
                participations.append(participation)
                plans.append(present)
        participations = bulk(Participation, participations)
        self.timer.step("participations", len(participations))
        rows = [(p.pk, sid) for p, present in zip(participations, plans, strict=True) for sid in present]
        copy_rows("workshops_attendance", ["participation_id", "session_id"], rows)
        self.attendance_count = len(rows)
        self.timer.step("attendance marks", len(rows))

    def _attendees(self, session_ids, quota_of):
        """One workshop's ``(Participation without workshop, [session ids present])`` pairs."""
        from workshops.models import Participation

        rng = self.rng
        fullest = max(quota_of[sid] for sid in session_ids)
        count = min(len(self.person_ids), fullest + max(1, fullest // 10))
        chosen = rng.sample(self.person_ids, count)
        marks = {}
        for sid in session_ids:
            for index in rng.sample(range(count), quota_of[sid]):
                marks.setdefault(index, []).append(sid)
        for index, person_id in enumerate(chosen):
            present = marks.get(index, [])
            role = "participant" if rng.random() < 0.95 else rng.choice(["facilitator", "speaker", "staff"])
            status = "attended" if present else rng.choice(["no_show", "registered"])
            participation = Participation(
                person_id=person_id, role=role, status=status, counts_toward_totals=role != "staff"
            )
            yield participation, present

    def recommendations(self):
        """Recommendations of held workshops, each aimed at a region."""
        from workshops.models import ProgressStatus, Recommendation

        rng, statuses = self.rng, list(ProgressStatus.values)
        held = [w for w in self.workshop_rows if w.status == "held"]
        recommendations = [
            Recommendation(
                workshop_id=w.pk,
                position=position,
                text=f"Recommandation {position} de l'atelier {w.pk}",
                status=rng.choice(statuses),
                due_date=w.start_date + datetime.timedelta(days=rng.randrange(90, 900)),
            )
            for w, n in zip(held, spread(self.sizes["recommendations"], len(held)), strict=True)
            for position in range(1, n + 1)
        ]
        self.recommendation_rows = bulk(Recommendation, recommendations)
        through = Recommendation.target_regions.through
        bulk(
            through,
            [through(recommendation_id=r.pk, region_id=self.region()) for r in self.recommendation_rows],
        )
        self.timer.step("recommendations", len(self.recommendation_rows))

    def commitments(self):
        """Commitments on a sample of recommendations, each with a region, a responsible
        organisation and two milestones."""
        from workshops.models import Commitment, Milestone, ProgressStatus

        rng, statuses = self.rng, list(ProgressStatus.values)
        chosen = rng.sample(
            self.recommendation_rows, min(len(self.recommendation_rows), self.sizes["commitments"])
        )
        commitments = [
            Commitment(
                recommendation_id=r.pk,
                position=1,
                title=f"Engagement pour la recommandation {r.pk}",
                committed_on=r.due_date - datetime.timedelta(days=60),
                due_date=r.due_date,
                status=rng.choice(statuses),
            )
            for r in chosen
        ]
        self.commitment_rows = commitments = bulk(Commitment, commitments)
        through = Commitment.target_regions.through
        bulk(through, [through(commitment_id=c.pk, region_id=self.region()) for c in commitments])
        through = Commitment.responsible_organizations.through
        bulk(
            through,
            [through(commitment_id=c.pk, organization_id=rng.choice(self.org_ids)) for c in commitments],
        )
        milestones = [
            Milestone(
                commitment_id=c.pk,
                position=position,
                title=f"Étape {position}",
                weight=rng.randrange(1, 4),
                completed_on=c.committed_on if rng.random() < 0.4 else None,
            )
            for c in commitments
            for position in (1, 2)
        ]
        bulk(Milestone, milestones)
        self.timer.step("commitments", len(commitments))

    def follow_ups(self):
        """Follow-ups, half on commitments and half on recommendations."""
        from workshops.models import FollowUp, ProgressStatus

        rng, statuses, commitments = self.rng, list(ProgressStatus.values), self.commitment_rows
        follow_ups = []
        for i in range(self.sizes["follow_ups"]):
            on_commitment = i % 2 == 0 and commitments
            subject = rng.choice(commitments) if on_commitment else rng.choice(self.recommendation_rows)
            follow_ups.append(
                FollowUp(
                    commitment_id=subject.pk if on_commitment else None,
                    recommendation_id=None if on_commitment else subject.pk,
                    date=subject.due_date - datetime.timedelta(days=rng.randrange(0, 60)),
                    old_status="not_started",
                    new_status=rng.choice(statuses),
                    note=f"Suivi {i + 1}",
                    reported_by_id=rng.choice(self.org_ids),
                )
            )
        bulk(FollowUp, follow_ups)
        self.follow_up_count = len(follow_ups)
        self.timer.step("follow-ups", len(follow_ups))

    def committees(self):
        """Monitoring committees born of recommendations, each following five commitments in
        one region."""
        from workshops.models import MonitoringCommittee

        rng, commitments = self.rng, self.commitment_rows
        committees = []
        for i in range(self.sizes["committees"]):
            origin = rng.choice(self.recommendation_rows)
            committees.append(
                MonitoringCommittee(
                    name=f"Comité de suivi {i + 1}",
                    slug=f"comite-{i + 1}",
                    origin_recommendation_id=origin.pk,
                    status="active",
                    constituted_on=origin.due_date,
                )
            )
        committees = bulk(MonitoringCommittee, committees)
        through = MonitoringCommittee.followed_commitments.through
        followed = [
            through(monitoringcommittee_id=m.pk, commitment_id=c.pk)
            for m in committees
            for c in rng.sample(commitments, min(5, len(commitments)))
        ]
        bulk(through, followed)
        through = MonitoringCommittee.regions.through
        bulk(through, [through(monitoringcommittee_id=m.pk, region_id=self.region()) for m in committees])
        self.timer.step("committees", len(committees))


def generate(scale="national", seed=2026, verbose=True):
    """Fill the database with ``SCALES[scale]`` rows (``Generator``); returns the counts
    inserted (a dict with ``seconds``). The same seed gives the same rows.

    Refuses (ValueError) a database that already holds workshops. Runs in one transaction.
    """
    from django.db import transaction

    from workshops.models import Workshop

    if Workshop.objects.exists():
        raise ValueError("The database already holds workshops: generate into an empty one.")
    with transaction.atomic():
        counts = Generator(SCALES[scale], seed).run()
    if verbose:
        print(f"Generated scale {scale!r} (seed {seed}) in {counts['seconds']:.1f} s")
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="national")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    print(
        f"Generating scale {args.scale!r} into {connection.vendor} database "
        f"{connection.settings_dict['NAME']}"
    )
    generate(args.scale, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, on SQLite as on PostgreSQL


if __name__ == "__main__":
    main()
