"""`make bench` measures every indicator page, the « Bilan annuel » and the planning."""

from django.urls import reverse

from indicators.themes import THEMES
from mdo.registry import registry


def test_bench_measures_each_indicator_page_the_annual_report_and_the_planning(client, city, mdo_manager):
    # Only these pages' addresses: the others are computed from the demo data, absent here.
    ours = [page for page in registry.bench if page.label.startswith(("Indicateurs", "Planning"))]
    benched = {page.url(): page for page in ours}
    expected = [reverse("indicators:theme", args=[key]) for key in THEMES]
    expected += [reverse("indicators:annual_report"), reverse("planning:index")]
    assert [url for url in expected if url not in benched] == []
    client.force_login(mdo_manager)
    for url in expected:
        assert benched[url].username == "mdo.manager"  # the demo's manager sees the whole city
        assert client.get(url).status_code == 200, url
