from django.contrib import admin, messages

from outbox import delivery
from outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "subject", "recipient_list", "status", "attempts", "sent_at", "short_error")
    list_filter = ("status",)
    search_fields = ("subject", "recipients", "message_id")
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = (
        "created_at",
        "from_email",
        "recipients",
        "subject",
        "message_id",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "mime_text",
    )
    exclude = ("raw",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="destinataires")
    def recipient_list(self, obj):
        return ", ".join(obj.recipients)

    @admin.display(description="erreur")
    def short_error(self, obj):
        return obj.last_error[:120]

    @admin.display(description="message")
    def mime_text(self, obj):
        return bytes(obj.raw).decode("utf-8", "replace")

    @admin.action(description="Renvoyer les e-mails sélectionnés")
    def resend(self, request, queryset):
        from outbox.tasks import deliver_outbox

        count = delivery.resend(queryset)
        deliver_outbox()
        self.message_user(request, f"{count} e-mail(s) remis dans la file d'envoi.", messages.SUCCESS)
