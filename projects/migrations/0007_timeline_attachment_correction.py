from django.db import migrations, models


def attachments_apart(apps, schema_editor):
    # The attachment lines were written as comments: they become their own kind, so that no one can
    # "correct" them as if they were someone's comment.
    TimelineEntry = apps.get_model("projects", "TimelineEntry")
    TimelineEntry.objects.filter(kind="comment", text__startswith="Pièce jointe ajoutée : ").update(kind="attachment")


def attachments_back(apps, schema_editor):
    TimelineEntry = apps.get_model("projects", "TimelineEntry")
    TimelineEntry.objects.filter(kind="attachment").update(kind="comment")
    TimelineEntry.objects.filter(kind="correction").update(kind="comment")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_delete_taskreminder"),
    ]

    operations = [
        migrations.AlterField(
            model_name="timelineentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("transition", "Changement de statut"),
                    ("comment", "Commentaire"),
                    ("feasibility", "Instruction de faisabilité"),
                    ("import", "Import de vote"),
                    ("rescope", "Redimensionnement"),
                    ("attachment", "Pièce jointe"),
                    ("correction", "Correction"),
                ],
                default="comment",
                max_length=20,
                verbose_name="type",
            ),
        ),
        migrations.RunPython(attachments_apart, attachments_back),
    ]
