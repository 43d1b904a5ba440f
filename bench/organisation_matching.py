"""Precision and recall of the organisation-name matcher (``organizations.matching.similarity``)
per threshold, on labelled pairs of Moroccan NGO names written for it.

Run from the project folder: ``.venv/bin/python bench/organisation_matching.py``.

Each pair is two names an organiser might type, labelled ``True`` when they name the same
organisation. Positives are spellings of one name in one language (accents, typos, word order,
articles, acronyms, brackets); the same name in two languages is counted too, although no
string measure can find it (the import finds those by alias, or through the organisation's
people). Negatives are what a region's sheets really hold: organisations whose names differ in
one word (the town, "femmes"/"jeunes", "organisation"/"association"). A proposal above the
threshold is what the preview offers first, and what ``manage.py import_attendance`` takes:
precision matters more than recall. Figures are printed, not asserted.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAME = [
    ("AMDH", "Association marocaine des droits humains"),
    ("Association Marocaine des Droits Humains (AMDH)", "Association marocaine des droits humains"),
    ("OMDH", "Organisation marocaine des droits humains"),
    ("Espace Associatif", "L'Espace Associatif"),
    ("Espace associatif", "ESPACE ASSOCIATIF (EA)"),
    ("Association Al Amal pour le développement", "Association Amal pour le developpement"),
    (
        "Association Meknès pour le développement et la citoyenneté",
        "Association Meknes pour le developement et la citoyenete",
    ),
    ("Association des femmes de Sefrou pour l'initiative", "Association des Femmes de Sefrou - Initiative"),
    ("Réseau des jeunes de Tanger pour la participation", "Reseau jeunes Tanger participation"),
    ("Fondation Orient-Occident", "Fondation Orient Occident"),
    ("Transparency Maroc", "Transparency Maroc (TM)"),
    ("Association Tanmia", "Association Tanmia.ma"),
    ("Jossour Forum des Femmes Marocaines", "Jossour - Forum des femmes marocaines"),
    ("Commune de Fquih Ben Salah", "Commune Fkih Ben Salah"),
    ("Centre Taza d'études et de recherches", "Centre de Taza d'études et recherches"),
    ("جمعية الأمل للتنمية", "جمعية الامل للتنمية"),
    ("جمعية مكناس للتنمية والمواطنة", "جمعية مكناس للتنمية و المواطنة"),
    ("جمعية نساء صفرو للمبادرة", "جمعية نساء صفرو من أجل المبادرة"),
    ("شبكة شباب الحسيمة للمشاركة", "شبكة شباب الحسيمه للمشاركه"),
    ("الفضاء الجمعوي", "جمعية الفضاء الجمعوي"),
    ("Network of Young Women Leaders", "Young Women Leaders Network"),
    ("ADFM", "Association démocratique des femmes du Maroc"),
    # The same organisation in two languages: found by alias or by its people, not here.
    ("Espace Associatif", "الفضاء الجمعوي"),
    ("Association marocaine des droits humains", "الجمعية المغربية لحقوق الإنسان"),
    ("Transparency Maroc", "Transparency Morocco"),
    ("Association Meknès pour le développement et la citoyenneté", "جمعية مكناس للتنمية والمواطنة"),
    ("Moroccan Association for Human Rights", "Association marocaine des droits humains"),
]
DIFFERENT = [
    ("Association marocaine des droits humains", "Organisation marocaine des droits humains"),
    ("AMDH", "Organisation marocaine des droits humains"),
    (
        "Association Meknès pour le développement et la citoyenneté",
        "Association Fès pour le développement et la citoyenneté",
    ),
    (
        "Association Sefrou pour le développement et la citoyenneté",
        "Association Ifrane pour le développement et la citoyenneté",
    ),
    (
        "Association Taza pour le développement et la citoyenneté",
        "Association Fès pour le développement et la citoyenneté",
    ),
    (
        "Association Tanger pour le développement et la citoyenneté",
        "Association Tétouan pour le développement et la citoyenneté",
    ),
    (
        "Association des femmes de Sefrou pour l'initiative",
        "Réseau des jeunes de Sefrou pour la participation",
    ),
    (
        "Association des femmes de Tétouan pour l'initiative",
        "Association des jeunes de Tétouan pour l'initiative",
    ),
    (
        "Réseau des jeunes de Tanger pour la participation",
        "Réseau des jeunes de Larache pour la participation",
    ),
    ("Commune de Fquih Ben Salah", "Commune de Béni Mellal"),
    ("Commune de Meknès", "Association Meknès pour le développement et la citoyenneté"),
    ("Centre Taza d'études et de recherches", "Centre Meknès d'études et de recherches"),
    ("Espace Associatif", "Espace Citoyen"),
    ("Association Amal", "Association Amal Tiznit"),
    ("Association Nour", "Association Noor pour l'enfance"),
    ("Association Al Amal pour le développement", "Association Al Amal pour l'éducation"),
    ("ADFM", "Association des femmes du Maroc"),
    ("Fondation Orient-Occident", "Fondation Mohammed V pour la solidarité"),
    ("Commune de Tétouan", "Commune de Tanger"),
    ("Commune de Al Hoceïma", "Province de Al Hoceïma"),
    ("جمعية مكناس للتنمية والمواطنة", "جمعية فاس للتنمية والمواطنة"),
    ("جمعية صفرو للتنمية والمواطنة", "جمعية إفران للتنمية والمواطنة"),
    ("جمعية نساء صفرو للمبادرة", "جمعية نساء تطوان للمبادرة"),
    ("شبكة شباب طنجة للمشاركة", "شبكة شباب العرائش للمشاركة"),
    ("جماعة تطوان", "جماعة شفشاون"),
    ("مركز تازة للدراسات والأبحاث", "مركز مكناس للدراسات والأبحاث"),
    ("جماعة بني ملال", "جمعية بني ملال للتنمية والمواطنة"),
    ("جمعية الأمل للتنمية", "جمعية الأمل للتربية"),
    ("Association Atlas", "Association Atlas Azilal"),
    ("Association Ennour", "Association Annour"),
]


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from organizations.matching import FUZZY_THRESHOLD, similarity

    print(f"load average: {os.getloadavg()[0]:.2f}")
    scored = [(similarity(a, b), True, a, b) for a, b in SAME]
    scored += [(similarity(a, b), False, a, b) for a, b in DIFFERENT]
    print(f"{len(SAME)} pairs of one organisation, {len(DIFFERENT)} of two")
    print("threshold  proposed  right  precision  recall")
    for threshold in range(70, 101, 2):
        proposed = [same for score, same, _a, _b in scored if score >= threshold]
        right = sum(proposed)
        precision = right / len(proposed) if proposed else 1.0
        mark = "  <- FUZZY_THRESHOLD" if threshold == FUZZY_THRESHOLD else ""
        recall = right / len(SAME)
        print(f"{threshold:9d}  {len(proposed):8d}  {right:5d}  {precision:9.2f}  {recall:6.2f}{mark}")
    print("\nscores (same?, score, a, b), highest negatives and lowest positives:")
    for score, same, a, b in sorted(scored, key=lambda item: -item[0]):
        print(f"  {'same' if same else 'diff'} {score:3d}  {a}  |  {b}")


if __name__ == "__main__":
    main()
