"""Text sheets in the encodings Moroccan offices save them in, made here (fictional people).

Each case is ``(label, data bytes, truth text, delimiter)``: the truth is what the organiser
typed, so a decoder is right when it gives that text back. The sheets mix what real ones
mix: French headers, Latin names with accents, Arabic names, regions and towns in both
scripts (``mixed``); Arabic headers and Arabic names with a few unaccented Latin ones
(``arabic``, the only shape ISO-8859-6 can hold); French only (``french``). Each shape comes
with one person, 3 (from each person of the list in turn) and 60, in every encoding that can hold it.
"""

import codecs
import itertools

# (full name, gender, region, organisation, town)
MIXED_PEOPLE = [
    ("Hélène Benali", "F", "Fès-Meknès", "Association Œuvre Sociale", "Ouézzane"),
    ("رشيد بوزيد", "H", "جهة فاس مكناس", "جمعية التنمية المحلية", "فاس"),
    ("Fatima Zahra Aït Oufkir", "F", "Béni Mellal-Khénifra", "Espace Associatif", "Khénifra"),
    ("يوسف الإدريسي", "H", "طنجة تطوان الحسيمة", "جمعية أمل", "وزان"),
    ("Saïd El Ouazzani", "H", "Tanger-Tétouan-Al Hoceïma", "Club des élèves", "Tétouan"),
    ("خديجة أمزيان", "F", "الدار البيضاء سطات", "جمعية النساء", "القنيطرة"),
    ("Noël Tazi", "H", "Drâa-Tafilalet", "Réseau Citoyen", "Errachidia"),
    ("فاطمة الزهراء العلوي", "F", "مراكش آسفي", "جمعية الأطلس", "مراكش"),
    ("Karim Alaoui", "H", "Marrakech-Safi", "Maison de Jeunes", "Salé"),
    ("نزهة بناني", "F", "جهة الشرق", "جمعية الواحة", "وجدة"),
]
MIXED_HEADER = ["Nom complet", "Sexe", "Région", "Organisation", "Ville", "Téléphone", "J1", "J2"]

# Arabic and unaccented Latin only: ISO-8859-6 holds nothing else.
ARABIC_PEOPLE = [
    ("رشيد بوزيد", "ذكر", "جهة فاس مكناس", "جمعية التنمية المحلية", "فاس"),
    ("خديجة أمزيان", "أنثى", "الدار البيضاء سطات", "جمعية النساء", "القنيطرة"),
    ("Karim Alaoui", "ذكر", "Marrakech-Safi", "Maison de Jeunes", "Sale"),
    ("يوسف الإدريسي", "ذكر", "طنجة تطوان الحسيمة", "جمعية أمل", "وزان"),
    ("فاطمة الزهراء العلوي", "أنثى", "مراكش آسفي", "جمعية الأطلس", "مراكش"),
    ("Salma Idrissi", "أنثى", "Fes-Meknes", "Espace Associatif", "Ouezzane"),
    ("نزهة بناني", "أنثى", "جهة الشرق", "جمعية الواحة", "وجدة"),
]
ARABIC_HEADER = ["الاسم الكامل", "الجنس", "الجهة", "الجمعية", "المدينة", "الهاتف", "اليوم 1", "اليوم 2"]

FRENCH_PEOPLE = [
    ("Hélène Benali", "F", "Fès-Meknès", "Association Œuvre Sociale", "Ouézzane"),
    ("Saïd Aït Oufkir", "H", "Béni Mellal-Khénifra", "Espace Associatif", "Khénifra"),
    ("Noël Tazi", "H", "Drâa-Tafilalet", "Réseau Citoyen", "Errachidia"),
    ("Françoise Cœur", "F", "Tanger-Tétouan-Al Hoceïma", "Club des élèves", "Tétouan"),
    ("Jérôme Bennis", "H", "Rabat-Salé-Kénitra", "Maison de Jeunes", "Salé"),
    ("Zoé El Amrani", "F", "Souss-Massa", "Réseau Citoyen", "Aït Melloul"),
]
FRENCH_HEADER = MIXED_HEADER

# Mostly French, one Arabic name and Arabic place names in three: the sheet of the finding.
LATIN_MOSTLY_PEOPLE = [
    ("Hélène Benali", "F", "جهة فاس مكناس", "Association Œuvre Sociale", "Ouézzane"),
    ("Saïd Aït Oufkir", "H", "Béni Mellal-Khénifra", "Espace Associatif", "Khénifra"),
    ("رشيد بوزيد", "H", "Fès-Meknès", "Réseau Citoyen", "Séfrou"),
    ("Françoise Cœur", "F", "Tanger-Tétouan-Al Hoceïma", "Club des élèves", "تطوان"),
    ("Jérôme Bennis", "H", "Rabat-Salé-Kénitra", "Maison de Jeunes", "Salé"),
    ("Zoé El Amrani", "F", "Drâa-Tafilalet", "Réseau Citoyen", "Aït Melloul"),
]

SHAPES = {
    "mixed": (MIXED_HEADER, MIXED_PEOPLE),
    "arabic": (ARABIC_HEADER, ARABIC_PEOPLE),
    "french": (FRENCH_HEADER, FRENCH_PEOPLE),
    "latin-mostly": (MIXED_HEADER, LATIN_MOSTLY_PEOPLE),
}
SIZES = {"one": 1, "short": 3, "long": 60}

# (label, codec to encode with, byte-order mark in front, delimiter, shapes it is used for)
ENCODINGS = [
    ("cp1256", "cp1256", b"", ";", ("mixed", "arabic", "french", "latin-mostly")),
    ("utf-8", "utf-8", b"", ",", ("mixed", "arabic", "french", "latin-mostly")),
    ("utf-8 BOM", "utf-8", codecs.BOM_UTF8, ";", ("mixed", "arabic", "french", "latin-mostly")),
    ("utf-16le BOM (Excel)", "utf-16-le", codecs.BOM_UTF16_LE, "\t", ("mixed", "arabic", "french")),
    ("utf-16be BOM", "utf-16-be", codecs.BOM_UTF16_BE, "\t", ("mixed", "arabic")),
    ("utf-16le", "utf-16-le", b"", "\t", ("mixed", "arabic", "latin-mostly")),
    ("utf-16be", "utf-16-be", b"", "\t", ("mixed", "arabic")),
    ("cp1252", "cp1252", b"", ";", ("french",)),
    ("latin-1", "latin-1", b"", ",", ("french",)),
    ("iso-8859-6", "iso-8859-6", b"", ";", ("arabic",)),
]


def latin_1_safe(text):
    """``text`` without the letters Latin-1 lacks (œ, Œ): a Latin-1 file cannot hold them."""
    return text.replace("Œ", "Oe").replace("œ", "oe")


def sheet_text(shape, size, delimiter, start=0):
    """The text of a sheet of ``shape`` with ``SIZES[size]`` people from the ``start``-th on
    (round the list), cells joined by ``delimiter``."""
    header, people = SHAPES[shape]
    lines = [delimiter.join(header)]
    chosen = itertools.islice(itertools.cycle(people[start:] + people[:start]), SIZES[size])
    for index, person in enumerate(chosen):
        phone = f"06{61000000 + index:08d}"
        ticks = ["x", "x" if index % 3 else ""]
        lines.append(delimiter.join([*person, phone, *ticks]))
    return "\r\n".join(lines) + "\r\n"


# Two-line sheets, each in the encodings that can hold it: the least a detector has to go on.
MICRO = [
    "Nom;Ville\r\nHélène;فاس\r\n",
    "Nom;Région\r\nSaïd;جهة الشرق\r\n",
    "Nom complet;Sexe\r\nرشيد;H\r\nKarim;H\r\n",
    "Nom;Prénom;Région\r\nBenali;Hélène;Fès-Meknès\r\nبوزيد;رشيد;فاس\r\n",
    "Nom;Région\r\nÉlodie;Fès\r\n",
    "Nom;Ville\r\nNoël;Salé\r\nZoé;Témara\r\n",
    "Nom;Ville\r\nنزهة;فاس\r\n",
    "الاسم;المدينة\r\nKarim;Fes\r\n",
    "Nom;Organisation\r\nKarim;جمعية\r\n",
    "Nom;Organisation\r\nÉCOLE;Université d'ÉTÉ\r\n",
    "Nom;Organisation\r\nCœur;Œuvre\r\n",
]


def micro_cases():
    """``MICRO`` in cp1256, cp1252 and ISO-8859-6 where each can hold it."""
    cases = []
    for index, text in enumerate(MICRO, start=1):
        for codec in ("cp1256", "cp1252", "iso-8859-6"):
            try:
                cases.append((f"micro {index} {codec}", text.encode(codec), text, ";"))
            except UnicodeEncodeError:
                continue
    return cases


def corpus():
    """Every ``(label, data, truth, delimiter)`` case: shapes × sizes × the encodings that fit;
    short sheets once from each person of the list (a short sheet is where guesses go wrong)."""
    cases = []
    for (label, codec, bom, delimiter, shapes), size in itertools.product(ENCODINGS, SIZES):
        for shape in shapes:
            starts = range(len(SHAPES[shape][1])) if SIZES[size] < 10 else [0]
            for start in starts:
                text = sheet_text(shape, size, delimiter, start)
                if codec == "latin-1":
                    text = latin_1_safe(text)
                name = f"{shape} {size}{f' from {start + 1}' if start else ''} {label}"
                cases.append((name, bom + text.encode(codec), text, delimiter))
    return cases + micro_cases()


# What the import must make of the sheets' cells: region codes and genders.
REGION_CODES = {
    "Fès-Meknès": "03",
    "Fes-Meknes": "03",
    "جهة فاس مكناس": "03",
    "Béni Mellal-Khénifra": "05",
    "طنجة تطوان الحسيمة": "01",
    "Tanger-Tétouan-Al Hoceïma": "01",
    "الدار البيضاء سطات": "06",
    "Drâa-Tafilalet": "08",
    "مراكش آسفي": "07",
    "Marrakech-Safi": "07",
    "جهة الشرق": "02",
    "Rabat-Salé-Kénitra": "04",
    "Souss-Massa": "09",
}
GENDERS = {"F": "female", "H": "male", "أنثى": "female", "ذكر": "male"}


def truth(text, delimiter):
    """``{phone: (full name, gender, region code)}`` the sheet ``text`` must import as."""
    lines = text.splitlines()[1:]
    people = {}
    for line in lines:
        name, gender, region, _organisation, _town, phone, *_ticks = line.split(delimiter)
        people["+212" + phone[1:]] = (name, GENDERS[gender], REGION_CODES[region])
    return people


# Names, places and words as typed in real sheets, which must never look garbled.
REAL_WORDS = (
    "Hélène;Aït Melloul;Ouézzane;Œuvre;Noël;Zoé;Françoise;Jérôme;Anaïs;Maïmouna;Loïc;Gaëlle;Raphaël;"
    "Ismaël;Saïd;Aïcha;Réélu;Créée;CRÉÉE;ÉTÉ;Université d'été;Béni Mellal-Khénifra;Drâa-Tafilalet;"
    "Laâyoune-Sakia El Hamra;Guelmim-Oued Noun;Tanger-Tétouan-Al Hoceïma;Dakhla-Oued Ed-Dahab;Fès;Salé;"
    "Kénitra;Témara;Khémisset;ÉCOLE;Élève;Éducation;Cœur;Sœur;Forêt;Âge;Ça;Où;Déjà;Événement;Muñoz;"
    "Peñón;Müller;HÉLÈNE;AÏT OUFKIR;N° 12;Boîte;Maître;Côte;Île;Noûr;Aïn Sebaâ;Taza-Al Hoceïma;"
    "M'hamed;M’hamed Benali;Zoë;Chloé;Inès;Anaëlle;Ksar El Kébir;Lalla Fatéma;Sâadia;Bâtonnier;Pâques;"
    "Ébène;L’Oriental;Association “Amal”;Réseau – Citoyen;Jeunes… d’avenir;Lalla Aïcha — présidente;"
    "جمعية “الأمل”;جمعية «الأمل»;الرقم 12°;قاعة 40 م²;رشيد بوزيد;فاطمة الزهراء;آيت ملول;Ouarzazate"
).split(";")
CODECS = ("utf-8", "cp1256", "cp1252", "latin-1", "iso-8859-6")


def words():
    """Every cell of the corpus's sheets and ``REAL_WORDS``: text as typed."""
    cells = set(REAL_WORDS)
    for header, people in SHAPES.values():
        cells.update(header)
        for person in people:
            cells.update(person)
    return sorted(cells)


def misread_words(pairs=None):
    """Every word of ``words()`` encoded in one codec and decoded with another, where that
    changes it (undecodable bytes become U+FFFD); ``pairs``: the ``(written, read)`` codecs,
    by default every pair of ``CODECS``."""
    misread = set()
    for cell in words():
        for written, read in pairs or itertools.permutations(CODECS, 2):
            try:
                data = cell.encode(written)
            except UnicodeEncodeError:
                continue
            if (text := data.decode(read, errors="replace")) != cell:
                misread.add(text)
    return sorted(misread)
