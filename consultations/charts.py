"""The results' charts, drawn by the app's chart library (``mdo/charts.py``): the same
drawing, text alternative and colours as the dashboards, in the results page and in the bilan's PDF.

Only that module is used, never the indicators' data: it depends on no app."""

from decimal import Decimal

from mdo.charts import Chart

SERIES = "Part des répondant·e·s à la question"


def results_chart(result: dict) -> Chart:
    """Horizontal bars, one per answer, at the share of the question's respondents who chose it."""
    question = result["question"]
    rows = result["rows"]
    return Chart(
        key=f"q{question.number}",
        title=f"Réponses à la question Q{question.number}",
        kind="hbar",
        labels=[row["label"] for row in rows],
        series=[(SERIES, [Decimal(str(row["percent"])) for row in rows])],
        unit="%",
    )
