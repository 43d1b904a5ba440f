"""People's phones in E.164 (``+212612345678``), as forms and saves now store them.

A number that cannot be read, or whose E.164 form another person already has (the same person
entered twice: merge them in the admin), is left as typed.
"""

from django.db import migrations, models

from organizations.phones import normalise_phone


def forward(apps, schema_editor):
    Person = apps.get_model("organizations", "Person")
    taken = set(Person.objects.exclude(phone="").values_list("phone", flat=True))
    changed = []
    for person in Person.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        try:
            phone = normalise_phone(person.phone)
        except ValueError:
            continue
        if phone != person.phone and phone not in taken:
            taken.add(phone)
            person.phone = phone
            changed.append(person)
    Person.objects.bulk_update(changed, ["phone"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0007_erasure_identity_digests")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="As you like: 06 12 34 56 78, +212 6 12 34 56 78; stored as +212612345678.",
                max_length=20,
                verbose_name="phone",
            ),
        ),
        migrations.AlterConstraint(
            model_name="person",
            name="organizations_person_unique_phone",
            constraint=models.UniqueConstraint(
                condition=models.Q(("phone", ""), _negated=True),
                fields=("phone",),
                name="organizations_person_unique_phone",
                violation_error_message=(
                    "Another person already has this phone number: find them in the list of people "
                    "(or merge the two) rather than adding them again."
                ),
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
