"""The founding example: the Marrakech strategic-planning workshop of 5-7 March 2021.

Source: Al Ittihad Al Ichtiraki, 10 March 2021 (see ``SOURCE.md`` beside this file). The
attendance sheet's people are fictional. ``load()`` is idempotent: every object is found by its
natural key and updated, and the sheet goes through ``workshops.imports.import_attendance``,
which changes nothing when run again.
"""

import datetime as dt
from pathlib import Path

from django.db import transaction

from organizations.models import FocusArea, Organization
from regions.models import Region
from workshops.imports import import_attendance
from workshops.models import (
    MonitoringCommittee,
    Project,
    Recommendation,
    Session,
    Workshop,
    WorkshopPartner,
)

SHEET = Path(__file__).resolve().parent / "marrakech-2021-03-attendance-ar.xlsx"
WORKSHOP_SLUG = "marrakech-2021-planification-strategique"
COMMITTEE_SLUG = "comite-suivi-programmes-action-communes"
TARGET_REGION_CODES = ["03", "05", "01"]  # Fès-Meknès, Béni Mellal-Khénifra, Tanger-Tétouan-Al Hoceïma

OBJECTIVES = [
    "مد الجسور بين الجمعيات المحلية العاملة في قضايا النساء والشباب والفاعلين المؤسساتيين في الشأن العام "
    "المحلي والجهوي",
    "خلق أرضية مشتركة بين هؤلاء الفاعلين والمعرفة المتخصصة في مجال التشاور العمومي والديمقراطية التشاركية",
    "تبادل وجهات النظر حول التشاور العمومي كآلية للحوار بين المجتمع المدني والمجالس المنتخبة",
    "تحديد التحديات والفرص المتاحة للحوار والمشاركة المواطنة",
    "تحديد معيقات التنمية المستدامة",
]

# (text, target region codes: None = the three target regions, "others" = the nine others)
RECOMMENDATIONS = [
    ("الشروع في العمل بباقي الجهات", "others"),
    ("مواصلة التكوين من أجل تفعيل المنتدى على المستوى الجهوي", None),
    ("إعداد مخطط استراتيجي", None),
    (
        "مأسسة لجنة لتتبع تنفيذ برامج عمل الجماعات كما تنص على ذلك القوانين، بجهات فاس-مكناس "
        "وبني ملال-خنيفرة وطنجة-تطوان-الحسيمة",
        None,
    ),
    ("الترافع من أجل تنسيق أفضل في إعداد السياسات الجهوية والمحلية", None),
]


@transaction.atomic
def load():
    """Create or update the Marrakech workshop and import its attendance sheet.

    Returns ``(workshop, import_result)``. Needs the regions reference data (migrations).
    """
    regions = {r.code: r for r in Region.objects.all()}
    targets = [regions[code] for code in TARGET_REGION_CODES]
    others = [r for code, r in regions.items() if code not in TARGET_REGION_CODES]

    organizer = _organization(
        "حركة بدائل مواطنة – Mouvement Alternatives Citoyennes",
        kind=Organization.Kind.NETWORK,
        description="Mouvement citoyen marocain engagé pour la démocratie participative.",
    )
    organizer.focus_areas.add(
        FocusArea.objects.get_or_create(name="Démocratie participative")[0],
        FocusArea.objects.get_or_create(name="Concertation publique")[0],
    )
    funder = _organization(
        "National Endowment for Democracy",
        acronym="NED",
        kind=Organization.Kind.FUNDER,
        website="https://www.ned.org/",
    )
    project, _created = Project.objects.update_or_create(
        slug="renforcement-concertation-publique",
        defaults={
            "name": "مشروع تعزيز التشاور العمومي من أجل حكامة جيدة بالمغرب",
            "organizer": organizer,
            "description": "Strengthening public consultation for good governance in Morocco.",
        },
    )
    project.funders.set([funder])
    workshop, _created = Workshop.objects.update_or_create(
        slug=WORKSHOP_SLUG,
        defaults={
            "title": "التخطيط الاستراتيجي: من أجل تشاور عمومي فعلي، فعال ناجع",
            "kind": Workshop.Kind.STRATEGIC_PLANNING,
            "project": project,
            "organizer": organizer,
            "start_date": dt.date(2021, 3, 5),
            "end_date": dt.date(2021, 3, 7),
            "venue": "رياض بمراكش",
            "city": "مراكش",
            "venue_region": regions["07"],
            "expected_participants": 50,
            "objectives": "\n".join(OBJECTIVES),
            "summary": (
                "ورشة للتخطيط الاستراتيجي على مدى ثلاثة أيام لفائدة 50 فاعلة وفاعلا من المجتمع المدني "
                "من جهات فاس-مكناس وبني ملال-خنيفرة وطنجة-تطوان-الحسيمة، حول التشاور العمومي كآلية "
                "للحوار بين المجتمع المدني والمجالس المنتخبة."
            ),
            "status": Workshop.Status.HELD,
            "is_published": True,
            "source_note": "Al Ittihad Al Ichtiraki (الاتحاد الاشتراكي), 10/03/2021",
        },
    )
    workshop.target_regions.set(targets)
    WorkshopPartner.objects.get_or_create(
        workshop=workshop, organization=funder, role=WorkshopPartner.Role.FUNDER
    )
    for position in (1, 2, 3):
        Session.objects.update_or_create(
            workshop=workshop,
            position=position,
            defaults={"date": dt.date(2021, 3, 4 + position)},
        )
    recommendations = []
    for position, (text, scope) in enumerate(RECOMMENDATIONS, start=1):
        recommendation, _created = Recommendation.objects.update_or_create(
            workshop=workshop, position=position, defaults={"text": text}
        )
        recommendation.target_regions.set(others if scope == "others" else targets)
        recommendation.responsible_organizations.set([organizer])
        recommendations.append(recommendation)
    committee, _created = MonitoringCommittee.objects.update_or_create(
        slug=COMMITTEE_SLUG,
        defaults={
            "name": "لجنة تتبع تنفيذ برامج عمل الجماعات",
            "origin_recommendation": recommendations[3],
            "mandate": (
                "تتبع تنفيذ برامج عمل الجماعات بجهات فاس-مكناس وبني ملال-خنيفرة وطنجة-تطوان-الحسيمة، كما تنص "
                "على ذلك القوانين التنظيمية للجماعات الترابية."
            ),
            "status": MonitoringCommittee.Status.PROPOSED,
        },
    )
    committee.regions.set(targets)
    result = import_attendance(workshop, SHEET.read_bytes(), SHEET.name)
    return workshop, result


def _organization(name, **defaults):
    organization = Organization.objects.find_by_name(name)
    if organization is None:
        return Organization.objects.create(name=name, **defaults)
    for key, value in defaults.items():
        setattr(organization, key, value)
    organization.save()
    return organization
