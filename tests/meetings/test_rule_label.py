"""A series' rule read in French on its meetings' pages: the presets, with one weekday of the month and the
number of meetings; a rule it cannot say is shown as written."""

import pytest

from meetings.models import MeetingSeries


@pytest.mark.parametrize(
    ("rrule", "label"),
    [
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU;COUNT=6", "Tous les deux mois, le 1er mardi, 6 réunions"),
        ("FREQ=MONTHLY;INTERVAL=2;COUNT=6", "Tous les deux mois, 6 réunions"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Tous les mois, le dernier vendredi"),
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE;UNTIL=20271231T000000Z", "Tous les trimestres, le 2e mercredi"),
        ("FREQ=MONTHLY;BYDAY=MO,TU", "FREQ=MONTHLY;BYDAY=MO,TU"),
        ("FREQ=YEARLY;COUNT=2", "FREQ=YEARLY;COUNT=2"),
    ],
)
def test_rule_label(rrule, label):
    assert MeetingSeries(rrule=rrule).rule_label == label
