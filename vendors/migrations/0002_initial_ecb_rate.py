"""The ECB's main refinancing rate in force on 1 July 2025 (2,15 %), so that interest is computed
from the first day; the administrator adds a row each half-year."""

import datetime
from decimal import Decimal

from django.db import migrations


def add_rate(apps, schema_editor):
    LatePaymentRate = apps.get_model("vendors", "LatePaymentRate")
    LatePaymentRate.objects.get_or_create(valid_from=datetime.date(2025, 7, 1), defaults={"ecb_rate": Decimal("2.15")})


class Migration(migrations.Migration):
    dependencies = [("vendors", "0001_initial")]
    operations = [migrations.RunPython(add_rate, migrations.RunPython.noop)]
