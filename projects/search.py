"""The projects in the global search and in the project pickers: title or external id, in the user's scope."""

from mdo import access
from mdo.enums import district_label
from mdo.search import PickerOption, SearchResult, text_filter
from projects.models import Project


def _context(project: Project) -> str:
    parts = [district_label(project.district)]
    if project.edition_id:
        parts.append(project.edition.name)
    parts.append(project.get_status_display())
    if project.external_id:
        parts.append(f"n° {project.external_id}")
    return " · ".join(parts)


def _matching(user, query: str):
    return text_filter(
        access.visible(user, Project).select_related("edition"),
        query,
        text_fields=("title",),
        id_fields=("external_id",),
    )


def search_projects(user, query: str, limit: int) -> list[SearchResult]:
    return [
        SearchResult(kind="Projet", title=project.title, url=project.get_absolute_url(), context=_context(project))
        for project in _matching(user, query).order_by("-edition__start_year", "title")[:limit]
    ]


def project_options(user, query: str, limit: int, params: dict) -> list[PickerOption]:
    """``params``: ``parents=1`` keeps the projects that may hold children (no parent themselves),
    ``exclude=<pk>`` leaves out the project being edited (it cannot be its own parent)."""
    projects = _matching(user, query) if query else access.visible(user, Project).select_related("edition")
    if params.get("parents"):
        projects = projects.filter(parent__isnull=True)
    if str(params.get("exclude", "")).isdigit():
        projects = projects.exclude(pk=int(params["exclude"]))
    return [
        PickerOption(value=project.pk, text=project.title, context=_context(project))
        for project in projects.order_by("-edition__start_year", "title")[:limit]
    ]


def project_option_label(project: Project) -> str:
    """The label of a project in a server-rendered choice: its title and where it belongs."""
    return f"{project.title} — {_context(project)}"
