from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "File d'envoi des e-mails"
    default_auto_field = "django.db.models.BigAutoField"
