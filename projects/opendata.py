"""Public feeds of the participatory budget and the Decidim Accountability export. No personal data."""

import csv

from projects.enums import ProjectKind, ProjectStatus
from projects.selectors import open_data_projects

OPEN_DATA_FIELDS = ["id", "external_id", "edition", "title", "district", "theme", "status", "status_label",
                    "selected", "votes", "cost", "progress", "updated_at"]


def _district(project) -> str:
    if project.edition_district_id:
        return project.edition_district.name
    return project.district_label


def open_data_rows(*, edition: str = "") -> list[dict]:
    """One dict per participatory-budget project that reached the ballot (``OPEN_DATA_FIELDS``)."""
    rows = []
    for project in open_data_projects(edition=edition):
        cost = project.final_cost if project.final_cost is not None else project.estimated_cost
        rows.append({
            "id": project.pk,
            "external_id": project.external_id,
            "edition": project.edition.name if project.edition_id else "",
            "title": project.title,
            "district": _district(project),
            "theme": project.theme,
            "status": project.status,
            "status_label": str(ProjectStatus(project.status).label),
            "selected": project.selected,
            "votes": project.votes,
            "cost": str(cost) if cost is not None else None,
            "progress": project.progress,
            "updated_at": project.updated_at.isoformat(timespec="seconds"),
        })
    return rows


ACCOUNTABILITY_FIELDS = ["id", "title/fr", "description/fr", "start_date", "end_date", "status/id", "progress",
                         "parent/id"]

#: Decidim accountability status ids, as configured on the public site (one per delivery stage).
DECIDIM_STATUS_IDS = {
    ProjectStatus.WINNER: 1,
    ProjectStatus.DESIGN: 2,
    ProjectStatus.PROCUREMENT: 3,
    ProjectStatus.WORKS: 4,
    ProjectStatus.DELIVERED: 5,
    ProjectStatus.CLOSED: 5,
    ProjectStatus.SUSPENDED: 6,
    ProjectStatus.ABANDONED: 7,
}


def write_accountability_csv(out, projects, *, edition: str = "") -> None:
    """The projects the public site follows (winners and later) in Decidim Accountability's columns."""
    projects = projects.filter(kind=ProjectKind.PARTICIPATORY_BUDGET, selected=True).order_by("pk")
    if edition:
        projects = projects.filter(edition__name=edition)
    writer = csv.DictWriter(out, fieldnames=ACCOUNTABILITY_FIELDS)
    writer.writeheader()
    for project in projects:
        writer.writerow({
            "id": project.external_id or project.pk,
            "title/fr": project.title,
            "description/fr": project.public_summary or project.description,
            "start_date": (project.actual_start or project.planned_start or "") and
                          (project.actual_start or project.planned_start).isoformat(),
            "end_date": (project.actual_end or project.planned_end or "") and
                        (project.actual_end or project.planned_end).isoformat(),
            "status/id": DECIDIM_STATUS_IDS.get(project.status, ""),
            "progress": project.progress,
            "parent/id": "",
        })
