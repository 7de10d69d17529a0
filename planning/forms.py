from django import forms
from django.utils.translation import gettext_lazy as _

from mdo.enums import Role
from mdo.models import User
from planning.models import PhaseKind, ProjectPhase
from planning.services import phase_errors

DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")


class PhaseForm(forms.ModelForm):
    """A planned phase of one project; the service checks the dates against each other and the project."""

    class Meta:
        model = ProjectPhase
        fields = ["kind", "planned_start", "planned_end", "actual_start", "actual_end", "owner", "status"]
        widgets = {name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for name in DATE_FIELDS}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        # One phase of a kind per project: the kinds already planned are not offered again.
        taken = ProjectPhase.objects.filter(project=project).exclude(pk=self.instance.pk).values("kind")
        self.fields["kind"].queryset = PhaseKind.objects.exclude(pk__in=taken)
        self.fields["owner"].queryset = (
            User.objects.filter(is_active=True, groups__role_key__isnull=False)
            .exclude(groups__role_key__code=Role.ADMIN)
            .select_related("organisation")
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        for name in DATE_FIELDS:
            self.fields[name].help_text = _("Au format JJ/MM/AAAA.")

    def clean(self):
        data = super().clean()
        # Said at the field, in French, before the model's constraint would answer with a generic message.
        errors = phase_errors(
            project=self.project,
            planned_start=data.get("planned_start"),
            planned_end=data.get("planned_end"),
            actual_start=data.get("actual_start"),
            actual_end=data.get("actual_end"),
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return data
