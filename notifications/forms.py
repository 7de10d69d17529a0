from django import forms

from notifications.enums import DEFAULT_CHANNELS, Channel, NotificationKind


class PreferencesForm(forms.Form):
    """One choice of channel per kind of notification."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=current.get(kind, DEFAULT_CHANNELS[kind]),
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": "Choisissez une des trois réceptions proposées.",
                    "required": "Choisissez comment recevoir ce type de notification.",
                },
            )
