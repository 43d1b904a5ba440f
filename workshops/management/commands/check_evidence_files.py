"""``manage.py check_evidence_files [--dry-run]``: check every stored evidence document and minutes.

Each stored file goes through the same check as an upload (``workshops.evidence``). A file that
fails is moved to ``EVIDENCE_QUARANTINE_DIR/<date-time>/<its stored path>`` (outside MEDIA_ROOT,
never served) and its field is cleared; a file that passes but has another name than
``<folder>/<year>/<32 hex digits>.<pdf|png|jpg>`` (an upload from before the check) is renamed to
that scheme. A file missing from storage is reported and its link left alone (a storage that is
not mounted must not wipe every link). Counts are printed at the end.
"""

import shutil
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.commands import OperatorCommand
from workshops import reports
from workshops.evidence import EvidenceFileField, evidence_suffix, is_stored_name, random_name


def document_fields():
    """``[(model, field name)]`` of every ``EvidenceFileField`` of every installed app (evidence,
    minutes, and the apps above workshops that store documents the same way)."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EvidenceFileField)
    ]


class Command(OperatorCommand):
    help = (
        "Check every stored evidence document and committee minutes as an upload is checked: move "
        "what fails to EVIDENCE_QUARANTINE_DIR and clear its link, give what passes a random name "
        "with the extension of its real type."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only report what would be done")

    def handle(self, *args, dry_run, **options):
        self.dry_run = dry_run
        self.quarantine = Path(settings.EVIDENCE_QUARANTINE_DIR) / timezone.now().strftime("%Y%m%d-%H%M%S")
        counts = Counter()
        for model, field_name in document_fields():
            field = model._meta.get_field(field_name)
            rows = model.objects.exclude(**{field_name: ""}).values_list("pk", field_name)
            for pk, name in rows.iterator():
                counts[self.check_one(model.objects.filter(pk=pk), field, name)] += 1
        if not dry_run and (counts["quarantined"] or counts["renamed"]):
            reports.forget_public_figures()
        self.report(counts)

    def check_one(self, row, field, name):
        """Check the stored file ``name`` of ``row`` (a one-row QuerySet): returns ``"valid"``,
        ``"renamed"``, ``"quarantined"`` or ``"missing"``."""
        storage, folder = field.storage, field.upload_to.folder
        if not storage.exists(name):
            self.stderr.write(_("Missing from storage: %(name)s") % {"name": name})
            return "missing"
        with storage.open(name, "rb") as document:
            try:
                suffix = evidence_suffix(document)
            except ValidationError as error:
                reason = " ".join(error.messages)
                self.stdout.write(_("Quarantined: %(name)s (%(reason)s)") % {"name": name, "reason": reason})
                if not self.dry_run:
                    self.copy_to_quarantine(document, name)
                new_name, outcome = "", "quarantined"
            else:
                if is_stored_name(name, folder, suffix):
                    return "valid"
                new_name, outcome = random_name(folder, suffix), "renamed"
                if not self.dry_run:
                    new_name = storage.save(new_name, document)
                self.stdout.write(_("Renamed: %(old)s → %(new)s") % {"old": name, "new": new_name})
        if not self.dry_run:
            row.update(**{field.attname: new_name})
            storage.delete(name)
        return outcome

    def copy_to_quarantine(self, document, name):
        target = self.quarantine / name
        target.parent.mkdir(parents=True, exist_ok=True)
        document.seek(0)
        with target.open("wb") as copy:
            shutil.copyfileobj(document, copy)

    def report(self, counts):
        lines = [
            ngettext("%(count)s file is valid.", "%(count)s files are valid.", counts["valid"]),
            ngettext(
                "%(count)s file renamed to a random name with the extension of its type.",
                "%(count)s files renamed to a random name with the extension of their type.",
                counts["renamed"],
            ),
            ngettext(
                "%(count)s file moved to quarantine and its link removed.",
                "%(count)s files moved to quarantine and their links removed.",
                counts["quarantined"],
            ),
            ngettext(
                "%(count)s file missing from storage (link kept).",
                "%(count)s files missing from storage (links kept).",
                counts["missing"],
            ),
        ]
        counted = zip(lines, ["valid", "renamed", "quarantined", "missing"], strict=True)
        for line, key in counted:
            self.stdout.write(line % {"count": counts[key]})
        if self.dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
        elif counts["quarantined"]:
            self.stdout.write(_("Quarantine folder: %(folder)s") % {"folder": self.quarantine})
