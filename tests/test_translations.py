"""The Arabic and French catalogues: complete, well-formed and in step with the source.

Parsed with the standard library only. The up-to-date check runs ``makemessages`` in a copy of
the project so that the committed ``locale/`` is never touched; it needs GNU gettext and is
skipped, with the reason, when gettext's tools are missing.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["ar", "fr"]
# The same ignore options as the documented command:
# manage.py makemessages -l ar -l fr --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
MAKEMESSAGES_IGNORE = [".venv", "staticfiles", "tests", "bench"]
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 && n%100<=99 ? 4 : 5;",
    "fr": "nplurals=2; plural=(n > 1);",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def po_path(lang, root=ROOT):
    return root / "locale" / lang / "LC_MESSAGES" / "django.po"


def parse_po(path):
    """Return the entries of the .po file at ``path`` as a list of dicts.

    Keys: ``ctx`` (str or None), ``id``, ``id_plural`` (str or None), ``strs`` ({index: str};
    index -1 for a plain ``msgstr``), ``flags`` (set), ``obsolete`` (bool), ``line`` (int).
    """
    entries, current, field = [], None, None

    def finish():
        if current is not None and current["id"] is not None:
            entries.append(current)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # "#~|": previous msgid of an obsolete fuzzy entry
                continue
        if not line:
            finish()
            current, field = None, None
            continue
        if current is None:
            current = _new_entry(number)
        if line.startswith("#"):
            if line.startswith("#,"):
                current["flags"] |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        current["obsolete"] = current["obsolete"] or obsolete
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, literal = match.groups()
            if keyword == "msgctxt" and current["id"] is not None:  # no blank line between entries
                finish()
                current = _new_entry(number, obsolete)
            field = {"msgctxt": "ctx", "msgid": "id", "msgid_plural": "id_plural"}.get(
                keyword, int(index) if index is not None else -1
            )
            value = ast.literal_eval(literal)
        elif line.startswith('"') and field is not None:
            value = _get(current, field) + ast.literal_eval(line)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
        _set(current, field, value)
    finish()
    return entries


def _new_entry(line, obsolete=False):
    """An empty entry of ``parse_po`` starting at ``line``."""
    return {
        "ctx": None,
        "id": None,
        "id_plural": None,
        "strs": {},
        "flags": set(),
        "obsolete": obsolete,
        "line": line,
    }


def _get(entry, field):
    return entry["strs"][field] if isinstance(field, int) else entry[field]


def _set(entry, field, value):
    if isinstance(field, int):
        entry["strs"][field] = value
    else:
        entry[field] = value


def header_of(entries):
    header = next(e for e in entries if e["id"] == "" and e["ctx"] is None and not e["obsolete"])
    fields = {}
    for line in header["strs"][-1].splitlines():
        name, _sep, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return header, fields


def messages(entries):
    """The active (not obsolete) entries other than the header."""
    return [e for e in entries if not e["obsolete"] and not (e["id"] == "" and e["ctx"] is None)]


def describe(entry):
    context = f"[{entry['ctx']}] " if entry["ctx"] else ""
    return f"line {entry['line']}: {context}{entry['id']!r}"


def untranslated_or_fuzzy(entries, nplurals):
    """Descriptions of entries that are fuzzy, empty or missing plural forms."""
    problems = []
    for entry in messages(entries):
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {describe(entry)}")
        if entry["id_plural"] is None:
            if not entry["strs"].get(-1):
                problems.append(f"untranslated: {describe(entry)}")
        else:
            missing = [i for i in range(nplurals) if not entry["strs"].get(i)]
            if missing or set(entry["strs"]) - set(range(nplurals)):
                problems.append(f"plural forms {missing} empty or wrong count: {describe(entry)}")
    return problems


# Complete and well-formed -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_a_proper_header(lang):
    header, fields = header_of(parse_po(po_path(lang)))
    assert "fuzzy" not in header["flags"], "the header is marked fuzzy"
    assert fields["Language"] == lang
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == PLURAL_FORMS[lang]
    text = po_path(lang).read_text(encoding="utf-8")
    for placeholder in (
        "FULL NAME",
        "EMAIL@ADDRESS",
        "LANGUAGE <LL@li.org>",
        "PACKAGE VERSION",
        "YEAR-MO-DA",
        "SOME DESCRIPTIVE TITLE",
    ):
        assert placeholder not in text, f"template placeholder {placeholder!r} left in the header"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    entries = parse_po(po_path(lang))
    assert len(messages(entries)) > 100, "suspiciously few messages: did parsing fail?"
    nplurals = int(re.search(r"nplurals=(\d+)", header_of(entries)[1]["Plural-Forms"]).group(1))
    problems = untranslated_or_fuzzy(entries, nplurals)
    assert not problems, f"{lang}: " + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_placeholders_and_outer_spaces(lang):
    problems = []
    for entry in messages(parse_po(po_path(lang))):
        source = [entry["id"]] + ([entry["id_plural"]] if entry["id_plural"] is not None else [])
        known = {name for text in source for name in PLACEHOLDER.findall(text)}
        python_format = "python-format" in entry["flags"]
        for index, text in entry["strs"].items():
            used = set(PLACEHOLDER.findall(text))
            if used - known:
                problems.append(f"unknown placeholder {sorted(used - known)}: {describe(entry)}")
            # A plain message must keep every placeholder; a plural form may leave the count
            # out (Arabic "one recommendation", "two recommendations"...).
            if entry["id_plural"] is None and used != known:
                problems.append(f"placeholders {sorted(known - used)} dropped: {describe(entry)}")
            if python_format:
                try:
                    text % {name: "x" for name in known | {"counter"}}
                except (TypeError, ValueError, KeyError) as exc:
                    problems.append(f"msgstr[{index}] does not format ({exc}): {describe(entry)}")
            source_text = source[0]
            for side, strip in (("leading", str.lstrip), ("trailing", str.rstrip)):
                source_space = len(source_text) - len(strip(source_text))
                space = len(text) - len(strip(text))
                if bool(source_space) != bool(space):
                    problems.append(f"{side} white space differs: {describe(entry)}")
    assert not problems, f"{lang}: " + "\n".join(problems)


@pytest.mark.skipif(
    shutil.which("msgfmt") is None,
    reason="GNU gettext's msgfmt is not installed (Debian: apt-get install gettext)",
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_compiles_and_translates(lang, tmp_path):
    mo = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "--check-domain", "-o", str(mo), str(po_path(lang))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    expected = {"fr": "Ligne %(row)s", "ar": "السطر %(row)s"}[lang]
    assert catalogue.gettext("Row %(row)s: %(message)s").startswith(expected)
    assert catalogue.gettext("Row %(row)s, column “%(column)s”: %(message)s").startswith(expected)
    assert catalogue.pgettext("workshop status", "held") != "held"


# In step with the source ------------------------------------------------------------------

# Not copied: virtual environments, version control, generated or personal data, caches.
COPY_SKIP_TOP = {
    ".git",
    ".venv",
    "venv",
    "staticfiles",
    "media",
    "node_modules",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    "test-artifacts",
    "db.sqlite3",
    "db.sqlite3-journal",
}


def _copy_ignore(directory, names):
    skipped = {name for name in names if name == "__pycache__" or name.endswith((".mo", ".pyc"))}
    if Path(directory).resolve() == ROOT:
        skipped |= COPY_SKIP_TOP & set(names)
    # Any virtual environment, wherever it lives and whatever its name.
    skipped |= {name for name in names if (Path(directory) / name / "pyvenv.cfg").exists()}
    return skipped


GETTEXT_TOOLS = ["xgettext", "msguniq", "msgmerge", "msgattrib"]


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in GETTEXT_TOOLS),
    reason="GNU gettext (xgettext, msguniq, msgmerge, msgattrib) is not installed "
    "(Debian: apt-get install gettext)",
)
def test_catalogues_are_up_to_date_with_the_source(tmp_path):
    """``makemessages`` run now adds no message, drops none and leaves nothing fuzzy."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=_copy_ignore, symlinks=True)
    command = [
        sys.executable,
        "manage.py",
        "makemessages",
        "--verbosity",
        "0",
        *[f"--locale={lang}" for lang in LANGUAGES],
        *[f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE],
    ]
    result = subprocess.run(
        command,
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    how_to_fix = (
        "run `.venv/bin/python manage.py makemessages -l ar -l fr "
        + " ".join(f"--ignore={p}" for p in MAKEMESSAGES_IGNORE)
        + "`, translate the new or fuzzy entries, then compilemessages"
    )
    for lang in LANGUAGES:
        fresh = parse_po(po_path(lang, copy))
        committed = parse_po(po_path(lang))
        fresh_keys = {(e["ctx"], e["id"]) for e in messages(fresh)}
        committed_keys = {(e["ctx"], e["id"]) for e in messages(committed)}
        added, dropped = fresh_keys - committed_keys, committed_keys - fresh_keys
        assert not added, (
            f"{lang}: new messages not in the catalogue ({how_to_fix}): {sorted(added, key=str)}"
        )
        assert not dropped, (
            f"{lang}: messages no longer in the source ({how_to_fix}): {sorted(dropped, key=str)}"
        )
        nplurals = int(PLURAL_FORMS[lang].split(";")[0].split("=")[1])
        problems = untranslated_or_fuzzy(fresh, nplurals)
        assert not problems, f"{lang} ({how_to_fix}):\n" + "\n".join(problems)
