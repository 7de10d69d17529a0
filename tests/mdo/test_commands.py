import io
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_bench_prints_queries_and_median_time_for_each_registered_page():
    call_command("seed_demo", stdout=io.StringIO(), quiet_logins=True)
    out = io.StringIO()
    call_command("bench", repeat=1, stdout=out)
    text = out.getvalue()
    assert "requêtes" in text and "médiane" in text
    dashboard = next(line for line in text.splitlines() if line.startswith("Tableau de bord"))
    queries, median, status = re.findall(r"(\d+(?:\.\d+)?)", dashboard)[-3:]
    assert int(queries) > 0 and float(median) > 0 and status == "200"
    assert "admin Django" in text
