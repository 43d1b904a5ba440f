"""The transliteration key (regions.transliteration): a Latin spelling of a common Moroccan name
finds its Arabic record and the reverse, through the key stored on every searched row; what it
cannot do is listed (KNOWN_MISSES), and measured by bench/transliteration_table.py."""

import pytest

from organizations.models import Person
from regions.transliteration import translit_key
from tests.factories import PersonFactory

# (Latin spelling, Arabic spelling) of the same first or family name: same key.
NAME_PAIRS = [
    ("Mohamed", "محمد"),
    ("Mohammed", "محمد"),
    ("Mhamed", "محمد"),
    ("Mohammad", "محمد"),
    ("Muhammad", "مُحَمَّد"),
    ("Ahmed", "أحمد"),
    ("Ahmad", "احمد"),
    ("Fatima", "فاطمة"),
    ("Fatema", "فاطمه"),
    ("Fatimah", "فاطمة"),
    ("Youssef", "يوسف"),
    ("Yusuf", "يوسف"),
    ("Youssouf", "يوسف"),
    ("Khadija", "خديجة"),
    ("Aicha", "عائشة"),
    ("Aïcha", "عائشة"),
    ("Hicham", "هشام"),
    ("Rachid", "رشيد"),
    ("Khalid", "خالد"),
    ("Hassan", "حسن"),
    ("Hasna", "حسناء"),
    ("Mustapha", "مصطفى"),
    ("Mustafa", "مصطفى"),
    ("Said", "سعيد"),
    ("Saïd", "سعيد"),
    ("Latifa", "لطيفة"),
    ("Karima", "كريمة"),
    ("Nadia", "نادية"),
    ("Amina", "أمينة"),
    ("Imane", "إيمان"),
    ("Iman", "ايمان"),
    ("Yassine", "ياسين"),
    ("Wafae", "وفاء"),
    ("Ouafae", "وفاء"),
    ("Bouchra", "بشرى"),
    ("Hajar", "هاجر"),
    ("Meryem", "مريم"),
    ("Maryam", "مريم"),
    ("Soukaina", "سكينة"),
    ("Zineb", "زينب"),
    ("Naima", "نعيمة"),
    ("Souad", "سعاد"),
    ("Omar", "عمر"),
    ("Oussama", "أسامة"),
    ("Abdelkader", "عبد القادر"),
    ("Abderrahim", "عبد الرحيم"),
    ("Abdellah", "عبد الله"),
    ("Abdelaziz", "عبد العزيز"),
    ("Abderrahmane", "عبد الرحمن"),
    ("Noureddine", "نور الدين"),
    ("Nour Eddine", "نور الدين"),
    ("Lahcen", "لحسن"),
    ("Hamza", "حمزة"),
    ("Ilham", "إلهام"),
    ("Samira", "سميرة"),
    ("Jamal", "جمال"),
    ("Kamal", "كمال"),
    ("Laila", "ليلى"),
    ("Leila", "ليلى"),
    ("Hind", "هند"),
    ("Ghizlane", "غزلان"),
    ("Siham", "سهام"),
    ("Mouna", "منى"),
    ("Fatima Zahra", "فاطمة الزهراء"),
    ("Fatima-Ezzahra", "فاطمة الزهراء"),
    ("El Alaoui", "العلوي"),
    ("Alaoui", "العلوي"),
    ("El Idrissi", "الإدريسي"),
    ("Idrissi", "الإدريسي"),
    ("Tazi", "التازي"),
    ("Bennani", "بناني"),
    ("Berrada", "برادة"),
    ("El Fassi", "الفاسي"),
    ("Chraibi", "الشرايبي"),
    ("Benjelloun", "بنجلون"),
    ("Kettani", "الكتاني"),
    ("Ouazzani", "الوزاني"),
    ("Lahlou", "لحلو"),
    ("Sqalli", "الصقلي"),
    ("Guessous", "كسوس"),
    ("Bensaid", "بنسعيد"),
    ("Amrani", "العمراني"),
    ("El Amrani", "العمراني"),
    ("Ait Ali", "آيت علي"),
    ("Ait Taleb", "آيت الطالب"),
    ("Benkirane", "بنكيران"),
    ("Tahiri", "الطاهري"),
    ("Ziani", "الزياني"),
    ("Cherkaoui", "الشرقاوي"),
    ("Mansouri", "المنصوري"),
    ("Bouzid", "بوزيد"),
    ("Belhaj", "بلحاج"),
    ("Zerouali", "الزروالي"),
    ("Ouali", "الوالي"),
    ("Ech-Chaoui", "الشاوي"),
    ("Es-Semlali", "السملالي"),
    ("Naciri", "الناصري"),
    ("Filali", "الفيلالي"),
    ("Skalli", "الصقلي"),
    ("Chaimae", "شيماء"),
    ("Ikram", "إكرام"),
    ("Reda", "رضا"),
    ("Anas", "أنس"),
    ("Ayoub", "أيوب"),
    ("Zakaria", "زكرياء"),
    ("Othmane", "عثمان"),
    ("Salma", "سلمى"),
    ("Houda", "هدى"),
    ("Asmae", "أسماء"),
    ("Ghita", "غيثة"),
    ("Kawtar", "كوثر"),
    ("Sanae", "سناء"),
    ("Hanane", "حنان"),
    ("Rkia", "رقية"),
    ("Ibrahim", "إبراهيم"),
    ("Jilali", "الجيلالي"),
    ("Boujemaa", "بوجمعة"),
    ("Houssine", "حسين"),
    ("El Hachimi", "الهاشمي"),
    ("Bouazza", "بوعزة"),
    ("Hamid", "حميد"),
    ("Abdelhak", "عبد الحق"),
    ("El Mehdi", "المهدي"),
    ("Mehdi", "مهدي"),
    ("Loubna", "لبنى"),
    ("Touria", "ثريا"),
    ("Rabia", "رابعة"),
    ("Zahra", "زهراء"),
    ("Mohammed Amine", "محمد أمين"),
    ("Issam", "عصام"),
    ("Adil", "عادل"),
    ("Badr", "بدر"),
    ("Ouafa", "وفاء"),
]

# Pairs the key does not bring together (documented in docs/search.md): a Latin spelling that
# drops a written vowel (Driss, Brahim, Mbarek), an article glued to the Latin name (Elmehdi,
# Lhoussaine), one word against two (Fatimazahra), French soft g against ج (Tanger), ه before ة.
KNOWN_MISSES = [
    ("Driss", "إدريس"),
    ("Fatimazahra", "فاطمة الزهراء"),
    ("Mbarek", "امبارك"),
    ("Brahim", "إبراهيم"),
    ("Tanger", "طنجة"),
    ("Lhoussaine", "الحسين"),
    ("Elmehdi", "المهدي"),
    ("Nezha", "نزهة"),
]


def test_the_table_has_at_least_forty_names():
    assert len({latin for latin, _ in NAME_PAIRS}) >= 40 and len({arabic for _, arabic in NAME_PAIRS}) >= 40


@pytest.mark.parametrize(("latin", "arabic"), NAME_PAIRS)
def test_both_spellings_have_the_same_key(latin, arabic):
    assert translit_key(latin) == translit_key(arabic) != ""


@pytest.mark.parametrize(("latin", "arabic"), KNOWN_MISSES)
def test_known_misses_stay_documented(latin, arabic):
    assert translit_key(latin) != translit_key(arabic)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Mohamed El Alaoui", "mhmd al"),
        ("مُحَمَّد العلوي", "mhmd al"),
        ("Abdelkader", "abd kdr"),
        ("Fatima-Ezzahra", "ftm zhr"),
        ("إلهام", "alhm"),  # إل is not the article
        ("", ""),
        ("!!!", ""),
    ],
)
def test_key_of_a_text(text, key):
    assert translit_key(text) == key


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("محمد العلوي", "Mohammed Alaoui"),
        ("Youssef Tazi", "يوسف التازي"),
        ("خديجة", "Khadija"),
        ("Oussama", "أسامة"),
    ],
)
def test_a_person_is_found_in_the_other_script(stored, query):
    first, _, last = stored.partition(" ")
    person = PersonFactory(first_name=first, last_name=last or "Test")
    PersonFactory(first_name="Hajar", last_name="Bennani")
    assert list(Person.objects.search(query)) == [person]


@pytest.mark.django_db
def test_a_short_name_must_be_a_whole_word():
    """علي and Ali ("al") find Ali, not every name whose key starts with "al" (Alami, "alm");
    Alaoui ("al" too) they would find: the skeleton has no vowels."""
    ali = PersonFactory(first_name="علي", last_name="Test")
    PersonFactory(first_name="Amal", last_name="Alami")
    assert list(Person.objects.search("Ali")) == [ali]
