"""Public feeds of the participatory budget and the Decidim Accountability export. No personal data."""

import csv

from mdo.enums import district_label
from projects.enums import ProjectKind, ProjectStatus
from projects.selectors import open_data_projects

OPEN_DATA_FIELDS = ["id", "external_id", "edition", "title", "district", "theme", "status", "status_label",
                    "selected", "votes", "cost", "progress", "updated_at"]


def open_data_rows(*, edition: str = "") -> list[dict]:
    """One dict per participatory-budget project that reached the ballot (``OPEN_DATA_FIELDS``).

    Read as plain values (no model instances): the feed lists thousands of rows."""
    labels = {value: str(label) for value, label in ProjectStatus.choices}
    rows = []
    values = open_data_projects(edition=edition).values(
        "pk", "external_id", "edition__name", "title", "edition_district__name", "district", "theme", "status",
        "selected", "votes", "final_cost", "estimated_cost", "progress", "updated_at")
    for row in values:
        cost = row["final_cost"] if row["final_cost"] is not None else row["estimated_cost"]
        rows.append({
            "id": row["pk"],
            "external_id": row["external_id"],
            "edition": row["edition__name"] or "",
            "title": row["title"],
            "district": row["edition_district__name"] or district_label(row["district"]),
            "theme": row["theme"],
            "status": row["status"],
            "status_label": labels[row["status"]],
            "selected": row["selected"],
            "votes": row["votes"],
            "cost": str(cost) if cost is not None else None,
            "progress": row["progress"],
            "updated_at": row["updated_at"].isoformat(timespec="seconds"),
        })
    return rows
