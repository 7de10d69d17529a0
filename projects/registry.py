"""Sections that other apps hang on the project page, without ``projects`` importing them.

An app registers, in its ``AppConfig.ready()``::

    from projects.registry import register_project_section
    register_project_section("budget_lines", render_budget_lines, order=10)

``render(request, project)`` returns the section's HTML (a ``<section>`` with its own ``<h2>``), or ''
to show nothing (e.g. out of the user's scope). The project page, its only caller, lists them in order
after the timeline. Keep each render to a constant number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProjectSection:
    key: str
    order: int
    render: Callable


_sections: list[ProjectSection] = []


def register_project_section(key: str, render: Callable, *, order: int = 50) -> None:
    _sections[:] = [section for section in _sections if section.key != key]
    _sections.append(ProjectSection(key, order, render))
    _sections.sort(key=lambda section: section.order)


def project_sections() -> list[ProjectSection]:
    return list(_sections)


def render_project_sections(request, project) -> list[str]:
    return [html for section in _sections if (html := section.render(request, project))]


_annotations: dict[str, Callable] = {}


def register_project_annotations(key: str, annotations: Callable) -> None:
    """What a section reads from the project page's own query: ``annotations(user)`` returns annotations
    of the project (subqueries on ``OuterRef("pk")``), which its render reads when present (a project
    loaded elsewhere has none: the render then asks the database itself)."""
    _annotations[key] = annotations


def project_annotations(user) -> dict:
    return {name: value for annotations in _annotations.values() for name, value in annotations(user).items()}


@dataclass(frozen=True)
class ProjectListLink:
    """A button of the projects list that opens another view of the same filtered projects."""

    key: str
    label: str
    url_name: str


_list_links: list[ProjectListLink] = []


def register_project_list_link(key: str, label: str, url_name: str) -> None:
    _list_links[:] = [link for link in _list_links if link.key != key]
    _list_links.append(ProjectListLink(key, label, url_name))


def project_list_links() -> list[ProjectListLink]:
    return list(_list_links)


@dataclass(frozen=True)
class OpenDataFile:
    """A public file another app publishes beside the projects' data set, listed on its open-data page."""

    key: str
    label: str
    url_name: str
    description: str


_open_data_files: list[OpenDataFile] = []


def register_open_data_file(key: str, label: str, url_name: str, *, description: str) -> None:
    _open_data_files[:] = [item for item in _open_data_files if item.key != key]
    _open_data_files.append(OpenDataFile(key, label, url_name, description))


def open_data_files() -> list[OpenDataFile]:
    return list(_open_data_files)
