"""The single district column goes once its value is in the territory's rows (0002), in its own transaction:
PostgreSQL refuses to alter a table while the rows just written still have deferred checks pending."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_territory_districts"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='consultation',
            name='consultatio_distric_58c4e9_idx',
        ),
        migrations.RemoveField(
            model_name='consultation',
            name='district',
        ),
        migrations.RemoveField(
            model_name='historicalconsultation',
            name='district',
        ),
    ]
