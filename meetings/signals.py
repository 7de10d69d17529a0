"""Signals the meetings app sends for others to hear (it imports none of them)."""

from django.dispatch import Signal

#: Sent when people are invited to a meeting (rows made with ``bulk_create``, which sends no
#: ``post_save``): ``meeting`` and ``attendees``, the new ``Attendee`` rows.
attendees_invited = Signal()
