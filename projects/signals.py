"""Signals of the projects app, for the apps above it (projects imports none of them)."""

from django.dispatch import Signal

#: Sent by ``services.project_transition`` once a transition is saved, inside its transaction:
#: ``project``, ``source`` and ``target`` statuses, ``by`` (the user). A receiver that raises
#: undoes the transition.
project_status_changed = Signal()
