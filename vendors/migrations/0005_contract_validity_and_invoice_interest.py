"""A contract's end of validity (renewals included) is stored, so that lists filter on it in SQL;
invoices record the late-payment interest owed when they are paid late."""

from decimal import Decimal

from django.db import migrations, models


def fill_valid_until(apps, schema_editor):
    from vendors.models import add_months

    for name in ("Contract", "HistoricalContract"):
        model = apps.get_model("vendors", name)
        for row in model.objects.all().only("pk", "ends_on", "renewal_months", "renewals_done").iterator():
            model.objects.filter(pk=row.pk).update(
                valid_until=add_months(row.ends_on, row.renewal_months * row.renewals_done)
            )


def record_paid_interest(apps, schema_editor):
    """Invoices already paid late get the interest they owed, when the rate of their half-year is entered."""
    from vendors.rules import half_year_start, interest_start, late_payment_interest

    Invoice = apps.get_model("vendors", "Invoice")
    rates = dict(apps.get_model("vendors", "LatePaymentRate").objects.values_list("valid_from", "ecb_rate"))
    late = Invoice.objects.filter(paid_on__gt=models.F("due_on"), interest_days=0)
    for invoice in late.iterator():
        ecb_rate = rates.get(half_year_start(interest_start(invoice.due_on)))
        if ecb_rate is None:
            continue  # never computed with another half-year's rate
        interest = late_payment_interest(amount_ttc=invoice.amount_ttc, late_days=(invoice.paid_on - invoice.due_on).days,
                                         ecb_rate=ecb_rate)
        Invoice.objects.filter(pk=invoice.pk).update(
            interest_days=interest.days, interest_rate=interest.rate, interest_amount=interest.interest,
            interest_flat_fee=interest.flat_fee,
        )


class Migration(migrations.Migration):
    dependencies = [("vendors", "0004_historicalvendorcontact")]

    operations = [
        migrations.AddField(
            model_name="contract", name="valid_until",
            field=models.DateField(editable=False, null=True, verbose_name="valide jusqu'au",
                                   help_text="Fin de la période initiale, reconductions exercées comprises."),
        ),
        migrations.AddField(
            model_name="historicalcontract", name="valid_until",
            field=models.DateField(editable=False, null=True, verbose_name="valide jusqu'au",
                                   help_text="Fin de la période initiale, reconductions exercées comprises."),
        ),
        migrations.RunPython(fill_valid_until, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contract", name="valid_until",
            field=models.DateField(editable=False, verbose_name="valide jusqu'au",
                                   help_text="Fin de la période initiale, reconductions exercées comprises."),
        ),
        migrations.AlterField(
            model_name="historicalcontract", name="valid_until",
            field=models.DateField(editable=False, verbose_name="valide jusqu'au",
                                   help_text="Fin de la période initiale, reconductions exercées comprises."),
        ),
    ] + [
        operation
        for model_name in ("invoice", "historicalinvoice")
        for operation in (
            migrations.AddField(model_name=model_name, name="interest_days",
                                field=models.PositiveIntegerField(default=0, verbose_name="jours de retard de paiement")),
            migrations.AddField(model_name=model_name, name="interest_rate",
                                field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True,
                                                          verbose_name="taux des intérêts moratoires (%)")),
            migrations.AddField(model_name=model_name, name="interest_amount",
                                field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14,
                                                          verbose_name="intérêts moratoires")),
            migrations.AddField(model_name=model_name, name="interest_flat_fee",
                                field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=14,
                                                          verbose_name="indemnité forfaitaire de recouvrement")),
        )
    ] + [
        migrations.RunPython(record_paid_interest, migrations.RunPython.noop),
    ]
