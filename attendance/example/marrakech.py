"""The founding example: the Marrakech strategic-planning workshop of 5-7 March 2021.

Source: Al Ittihad Al Ichtiraki, 10 March 2021 (see ``SOURCE.md`` beside this file). The
attendance sheet's people are fictional. ``load()`` is idempotent: every object is found by its
natural key and updated, and the sheet goes through ``attendance.apply.import_attendance``,
which changes nothing when run again.
"""

import datetime as dt
from pathlib import Path

from django.db import transaction

from attendance.apply import import_attendance
from organizations.models import FocusArea, Organization
from regions.models import Region
from workshops.models import (
    Commitment,
    FollowUp,
    Milestone,
    MonitoringCommittee,
    ProgressStatus,
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

TITLE = {
    "ar": "التخطيط الاستراتيجي: من أجل تشاور عمومي فعلي، فعال ناجع",
    "fr": "Planification stratégique : pour une concertation publique réelle, efficace et efficiente",
    "en": "Strategic planning: for an actual, effective and efficient public consultation",
}

# The workshop's texts were written in Arabic (the press report); the French and English versions
# are translations, shown on the French and English pages.
OBJECTIVES = {
    "ar": [
        "مد الجسور بين الجمعيات المحلية العاملة في قضايا النساء والشباب والفاعلين المؤسساتيين في الشأن "
        "العام المحلي والجهوي",
        "خلق أرضية مشتركة بين هؤلاء الفاعلين والمعرفة المتخصصة في مجال التشاور العمومي "
        "والديمقراطية التشاركية",
        "تبادل وجهات النظر حول التشاور العمومي كآلية للحوار بين المجتمع المدني والمجالس المنتخبة",
        "تحديد التحديات والفرص المتاحة للحوار والمشاركة المواطنة",
        "تحديد معيقات التنمية المستدامة",
    ],
    "fr": [
        "Jeter des ponts entre les associations locales actives sur les questions des femmes et des jeunes "
        "et les acteurs institutionnels de la chose publique locale et régionale",
        "Créer un terrain commun entre ces acteurs et le savoir spécialisé en matière de concertation "
        "publique et de démocratie participative",
        "Échanger les points de vue sur la concertation publique comme mécanisme de dialogue entre la "
        "société civile et les conseils élus",
        "Identifier les défis et les opportunités du dialogue et de la participation citoyenne",
        "Identifier les obstacles au développement durable",
    ],
    "en": [
        "Build bridges between local associations working on women's and young people's issues and the "
        "institutional actors of local and regional public affairs",
        "Create common ground between these actors and specialised knowledge of public consultation and "
        "participatory democracy",
        "Exchange views on public consultation as a mechanism for dialogue between civil society and "
        "elected councils",
        "Identify the challenges and opportunities for dialogue and citizen participation",
        "Identify the obstacles to sustainable development",
    ],
}

SUMMARY = {
    "ar": (
        "ورشة للتخطيط الاستراتيجي على مدى ثلاثة أيام لفائدة 50 فاعلة وفاعلا من المجتمع المدني "
        "من جهات فاس-مكناس وبني ملال-خنيفرة وطنجة-تطوان-الحسيمة، حول التشاور العمومي كآلية "
        "للحوار بين المجتمع المدني والمجالس المنتخبة."
    ),
    "fr": (
        "Atelier de planification stratégique de trois jours au profit de 50 actrices et acteurs de la "
        "société civile des régions de Fès-Meknès, Béni Mellal-Khénifra et Tanger-Tétouan-Al Hoceïma, "
        "sur la concertation publique comme mécanisme de dialogue entre la société civile et les "
        "conseils élus."
    ),
    "en": (
        "A three-day strategic planning workshop for 50 civil-society actors, women and men, from the "
        "regions of Fès-Meknès, Béni Mellal-Khénifra and Tanger-Tétouan-Al Hoceïma, on public "
        "consultation as a mechanism for dialogue between civil society and elected councils."
    ),
}

PROJECT_NAME = {
    "ar": "مشروع تعزيز التشاور العمومي من أجل حكامة جيدة بالمغرب",
    "fr": "Projet de renforcement de la concertation publique pour une bonne gouvernance au Maroc",
    "en": "Strengthening public consultation for good governance in Morocco",
}

COMMITTEE_NAME = {
    "ar": "لجنة تتبع تنفيذ برامج عمل الجماعات",
    "fr": "Comité de suivi de la mise en œuvre des programmes d'action des communes",
    "en": "Committee monitoring the implementation of the communes' action programmes",
}

COMMITTEE_MANDATE = {
    "ar": (
        "تتبع تنفيذ برامج عمل الجماعات بجهات فاس-مكناس وبني ملال-خنيفرة وطنجة-تطوان-الحسيمة، كما تنص "
        "على ذلك القوانين التنظيمية للجماعات الترابية."
    ),
    "fr": (
        "Suivre la mise en œuvre des programmes d'action des communes dans les régions de Fès-Meknès, "
        "Béni Mellal-Khénifra et Tanger-Tétouan-Al Hoceïma, comme le prévoient les lois organiques "
        "relatives aux collectivités territoriales."
    ),
    "en": (
        "Monitor the implementation of the communes' action programmes in the regions of Fès-Meknès, "
        "Béni Mellal-Khénifra and Tanger-Tétouan-Al Hoceïma, as the organic laws on territorial "
        "authorities provide."
    ),
}

# ({language: text}, target region codes: None = the three target regions, "others" = the nine others)
RECOMMENDATIONS = [
    (
        {
            "ar": "الشروع في العمل بباقي الجهات",
            "fr": "Engager le travail dans les autres régions",
            "en": "Start the work in the other regions",
        },
        "others",
    ),
    (
        {
            "ar": "مواصلة التكوين من أجل تفعيل المنتدى على المستوى الجهوي",
            "fr": "Poursuivre la formation pour rendre le forum opérationnel au niveau régional",
            "en": "Continue training to make the forum work at regional level",
        },
        None,
    ),
    (
        {
            "ar": "إعداد مخطط استراتيجي",
            "fr": "Élaborer un plan stratégique",
            "en": "Draw up a strategic plan",
        },
        None,
    ),
    (
        {
            "ar": "مأسسة لجنة لتتبع تنفيذ برامج عمل الجماعات كما تنص على ذلك القوانين، بجهات فاس-مكناس "
            "وبني ملال-خنيفرة وطنجة-تطوان-الحسيمة",
            "fr": "Institutionnaliser un comité de suivi de la mise en œuvre des programmes d'action des "
            "communes, comme le prévoient les lois, dans les régions de Fès-Meknès, Béni Mellal-Khénifra "
            "et Tanger-Tétouan-Al Hoceïma",
            "en": "Institutionalise a committee to monitor the implementation of the communes' action "
            "programmes, as the laws provide, in the regions of Fès-Meknès, Béni Mellal-Khénifra and "
            "Tanger-Tétouan-Al Hoceïma",
        },
        None,
    ),
    (
        {
            "ar": "الترافع من أجل تنسيق أفضل في إعداد السياسات الجهوية والمحلية",
            "fr": "Plaider pour une meilleure coordination dans l'élaboration des politiques régionales "
            "et locales",
            "en": "Advocate better coordination in drawing up regional and local policies",
        },
        None,
    ),
]


def versions(field, texts, original="ar"):
    """Model field values for every version of a translated text: ``{"title_ar": …, "language": "ar"}``.

    ``texts`` maps language codes to the text (a list of lines is joined one per line).
    """
    values = {f"{field}_{code}": "\n".join(t) if isinstance(t, list) else t for code, t in texts.items()}
    return {**values, "language": original}


@transaction.atomic
def load():
    """Create the Marrakech workshop and import its attendance sheet, unless it exists.

    Returns ``(workshop, import_result)``; ``import_result`` is None when the workshop was
    already there: nothing is touched then, so edits staff made to the example survive. Needs
    the regions reference data (migrations).
    """
    existing = Workshop.objects.filter(slug=WORKSHOP_SLUG).first()
    if existing is not None:
        return existing, None
    regions = {r.code: r for r in Region.objects.all()}
    targets = [regions[code] for code in TARGET_REGION_CODES]
    organizer, funder, project = _load_project()
    workshop = _load_workshop(project, organizer, funder, regions["07"], targets)
    recommendations = _load_recommendations(workshop, organizer, regions)
    committee = _load_committee(recommendations[3], targets)
    commitments = _load_commitments(recommendations, organizer, regions)
    committee.followed_commitments.set([c for c in commitments if c.recommendation == recommendations[3]])
    result = import_attendance(workshop, SHEET.read_bytes(), SHEET.name)
    return workshop, result


def _load_project():
    """``(organizer, funder, project)`` of the example."""
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
            **versions("name", PROJECT_NAME),
            "organizer": organizer,
            "description": "Strengthening public consultation for good governance in Morocco.",
        },
    )
    project.funders.set([funder])
    return organizer, funder, project


def _load_workshop(project, organizer, funder, venue_region, targets):
    """The workshop with its funder and three sessions."""
    workshop, _created = Workshop.objects.update_or_create(
        slug=WORKSHOP_SLUG,
        defaults={
            **versions("title", TITLE),
            **versions("objectives", OBJECTIVES),
            **versions("summary", SUMMARY),
            "kind": Workshop.Kind.STRATEGIC_PLANNING,
            "project": project,
            "organizer": organizer,
            "start_date": dt.date(2021, 3, 5),
            "end_date": dt.date(2021, 3, 7),
            "venue": "رياض بمراكش",
            "city": "مراكش",
            "venue_region": venue_region,
            "expected_participants": 50,
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
    return workshop


def _load_recommendations(workshop, organizer, regions):
    """The five recommendations, in order, with their target regions."""
    targets = [regions[code] for code in TARGET_REGION_CODES]
    others = [r for code, r in regions.items() if code not in TARGET_REGION_CODES]
    recommendations = []
    for position, (texts, scope) in enumerate(RECOMMENDATIONS, start=1):
        recommendation, _created = Recommendation.objects.update_or_create(
            workshop=workshop, position=position, defaults=versions("text", texts)
        )
        recommendation.target_regions.set(others if scope == "others" else targets)
        recommendation.responsible_organizations.set([organizer])
        recommendations.append(recommendation)
    return recommendations


def _load_committee(origin, targets):
    """The proposed monitoring committee born of recommendation ``origin``."""
    committee, _created = MonitoringCommittee.objects.update_or_create(
        slug=COMMITTEE_SLUG,
        defaults={
            **versions("name", COMMITTEE_NAME),
            **versions("mandate", COMMITTEE_MANDATE),
            "origin_recommendation": origin,
            "status": MonitoringCommittee.Status.PROPOSED,
            "proposed_on": dt.date(2021, 3, 7),
        },
    )
    committee.regions.set(targets)
    return committee


def _organization(name, **defaults):
    organization = Organization.objects.find_by_name(name)
    if organization is None:
        return Organization.objects.create(name=name, **defaults)
    for key, value in defaults.items():
        setattr(organization, key, value)
    organization.save()
    return organization


ILLUSTRATIVE = "مثال توضيحي – Exemple illustratif. "

# Illustrative commitments, milestones and updates (not reported by the organisers): they show
# every state of the public tracker. Per recommendation position: (title, region codes, due date,
# milestones [(title, weight, completed on)], updates [(date, new status, note)]).
COMMITMENTS = {
    1: [
        (
            "برمجة ورشات مماثلة بجهتي الشرق وسوس-ماسة",
            ["02", "09"],
            dt.date(2022, 12, 31),
            [
                ("تحديد الشركاء المحليين", 1, dt.date(2021, 6, 15)),
                ("ورشة بجهة الشرق", 2, dt.date(2022, 3, 12)),
                ("ورشة بجهة سوس-ماسة", 2, None),
            ],
            [(dt.date(2022, 3, 20), ProgressStatus.LIMITED, "انعقاد الورشة الأولى بوجدة.")],
        ),
    ],
    2: [
        (
            "تنظيم دورات تكوينية لفائدة أعضاء المنتدى الجهوي",
            ["03", "05", "01"],
            dt.date(2022, 6, 30),
            [
                ("إعداد عدة التكوين", 1, dt.date(2021, 9, 30)),
                ("ثلاث دورات تكوينية، دورة بكل جهة", 3, dt.date(2022, 5, 28)),
            ],
            [
                (dt.date(2021, 10, 5), ProgressStatus.LIMITED, "إعداد عدة التكوين."),
                (dt.date(2022, 6, 2), ProgressStatus.COMPLETE, "انعقاد الدورات الثلاث."),
            ],
        ),
    ],
    3: [
        (
            "صياغة مخطط استراتيجي للحركة 2022-2026",
            [],
            dt.date(2021, 12, 31),
            [
                ("تشخيص تشاركي", 1, dt.date(2021, 7, 10)),
                ("مسودة المخطط", 2, dt.date(2021, 11, 20)),
                ("المصادقة في الجمع العام", 1, None),
            ],
            [(dt.date(2021, 11, 25), ProgressStatus.SUBSTANTIAL, "عرض مسودة المخطط على المكتب.")],
        ),
    ],
    4: [
        (
            "تشكيل لجنة تتبع برامج عمل الجماعات بجهة فاس-مكناس",
            ["03"],
            dt.date(2022, 12, 31),
            [("نداء لترشيح الأعضاء", 1, dt.date(2021, 9, 1)), ("الاجتماع التأسيسي", 1, None)],
            [
                (dt.date(2021, 9, 10), ProgressStatus.LIMITED, "إطلاق نداء الترشيح."),
                (dt.date(2023, 2, 1), ProgressStatus.STALLED, "تأجيل الاجتماع التأسيسي دون تاريخ."),
            ],
        ),
        (
            "تشكيل لجنة تتبع برامج عمل الجماعات بجهة بني ملال-خنيفرة",
            ["05"],
            dt.date(2027, 6, 30),
            [("نداء لترشيح الأعضاء", 1, None), ("الاجتماع التأسيسي", 1, None)],
            [],
        ),
        (
            "تشكيل لجنة تتبع برامج عمل الجماعات بجهة طنجة-تطوان-الحسيمة",
            ["01"],
            dt.date(2026, 12, 31),
            [("نداء لترشيح الأعضاء", 1, None), ("الاجتماع التأسيسي", 1, None)],
            [],
        ),
    ],
    5: [
        (
            "يوم دراسي مع مجالس الجهات حول تنسيق السياسات الجهوية والمحلية",
            ["03", "05", "01"],
            dt.date(2022, 10, 31),
            [("اليوم الدراسي", 1, None)],
            [(dt.date(2022, 4, 15), ProgressStatus.WITHDRAWN, "تعويضه بلقاءات ثنائية مع كل مجلس جهة.")],
        ),
    ],
}


def _load_commitments(recommendations, organizer, regions):
    """Create or update the illustrative commitments; record their updates once. Returns them."""
    commitments = []
    for recommendation in recommendations:
        for position, (title, codes, due, milestones, updates) in enumerate(
            COMMITMENTS.get(recommendation.position, []), start=1
        ):
            commitment, _created = Commitment.objects.get_or_create(
                recommendation=recommendation,
                position=position,
                defaults={
                    **versions("title", {"ar": title}),
                    **versions("description", {"ar": ILLUSTRATIVE + "التزام افتراضي لعرض إمكانيات التتبع."}),
                    "committed_on": dt.date(2021, 3, 7),
                    "due_date": due,
                },
            )
            commitment.responsible_organizations.set([organizer])
            commitment.target_regions.set([regions[code] for code in codes])
            for order, (step, weight, done) in enumerate(milestones, start=1):
                Milestone.objects.update_or_create(
                    commitment=commitment,
                    position=order,
                    defaults={**versions("title", {"ar": step}), "weight": weight, "completed_on": done},
                )
            if not commitment.follow_ups.exists():
                for date, status, note in updates:
                    FollowUp(
                        commitment=commitment,
                        date=date,
                        new_status=status,
                        note=ILLUSTRATIVE + note,
                        reported_by=organizer,
                    ).record()
            commitments.append(commitment)
    return commitments
