from django.contrib import admin

from notifications.models import Notification, ReminderSetting, SentReminder


@admin.register(ReminderSetting)
class ReminderSettingAdmin(admin.ModelAdmin):
    list_display = ("kind", "days_before", "on_due_day", "overdue_every_days")


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ("sent_on", "recipient", "key", "stage", "due_on")
    list_filter = ("stage", "sent_on")
    list_select_related = ("recipient",)
    search_fields = ("key", "recipient__username")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created", "recipient", "kind", "verb", "target_label", "read_at", "emailed")
    list_filter = ("kind", "emailed")
    list_select_related = ("recipient",)
    search_fields = ("verb", "target_label", "recipient__username")
    raw_id_fields = ("recipient", "actor")
