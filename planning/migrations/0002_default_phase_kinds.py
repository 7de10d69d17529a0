from django.db import migrations

#: (name, order, starts with status, ends with status)
KINDS = [
    ("Concertation", 10, "", "winner"),
    ("Études", 20, "design", "procurement"),
    ("Délibération", 30, "", ""),
    ("Consultation des entreprises", 40, "procurement", "works"),
    ("Travaux", 50, "works", "delivered"),
    ("Inauguration", 60, "delivered", "closed"),
]


def add_kinds(apps, schema_editor):
    PhaseKind = apps.get_model("planning", "PhaseKind")
    for name, order, starts_with, ends_with in KINDS:
        PhaseKind.objects.get_or_create(name=name, defaults={"order": order, "starts_with": starts_with,
                                                             "ends_with": ends_with})


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_phases")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
