"""The published bilans as open data, next to the participatory budget's feed. No personal data."""

from consultations.models import Bilan


def published_bilans() -> list[dict]:
    bilans = (
        Bilan.objects.filter(published_at__isnull=False)
        .select_related("consultation")
        .prefetch_related(
            "consultation__objectives",
            "consultation__projects",
            "consultation__territory_districts",
            "consultation__neighbourhoods",
        )
        .order_by("-published_at")
    )
    from django.db.models import Count

    from consultations.models import Response

    counts = dict(
        Response.objects.filter(consultation__bilan__published_at__isnull=False)
        .values("consultation_id")
        .annotate(n=Count("id"))
        .values_list("consultation_id", "n")
    )
    rows = []
    for bilan in bilans:
        consultation = bilan.consultation
        rows.append(
            {
                "id": consultation.pk,
                "title": consultation.title,
                "question": consultation.public_question,
                "territory": consultation.district_label,
                "districts": consultation.districts,
                "quartiers": consultation.quartier_names,
                "start": consultation.start_on.isoformat() if consultation.start_on else None,
                "end": consultation.end_on.isoformat() if consultation.end_on else None,
                "respondents": counts.get(consultation.pk, 0),
                "heard": bilan.heard,
                "city_response": bilan.city_response,
                "objectives": [
                    {"objective": o.text, "outcome": o.get_outcome_display(), "why": o.outcome_reason}
                    for o in consultation.objectives.all()
                ],
                "projects": [p.pk for p in consultation.projects.all()],
                "published_at": bilan.published_at.isoformat(timespec="seconds"),
            }
        )
    return rows
