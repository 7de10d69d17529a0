"""Sections that other apps hang on a meeting's page, without ``meetings`` importing them.

An app registers, in its ``AppConfig.ready()``::

    from meetings.registry import register_meeting_section
    register_meeting_section("resources", render_resources, order=10)

``render(request, meeting)`` returns the section's HTML (a ``<section>`` with its own ``<h2>``), or ''
to show nothing. The meeting page lists them in order before its history. Keep each render to a
constant number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MeetingSection:
    key: str
    order: int
    render: Callable


_sections: list[MeetingSection] = []


def register_meeting_section(key: str, render: Callable, *, order: int = 50) -> None:
    _sections[:] = [section for section in _sections if section.key != key]
    _sections.append(MeetingSection(key, order, render))
    _sections.sort(key=lambda section: section.order)


def render_meeting_sections(request, meeting) -> list[str]:
    return [html for section in _sections if (html := section.render(request, meeting))]
