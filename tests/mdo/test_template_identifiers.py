"""Identifiers and years in templates are written unlocalized.

``USE_THOUSAND_SEPARATOR`` writes every integer of a template with the French separator: record 1591
becomes "1 591" and the year 2026 "2 026", in a field's name, an element's id, a link's query or a
heading. Every ``{{ ….pk }}``, ``{{ …_id }}``, ``{{ ….id }}`` and ``{{ …year }}`` of the project's
templates must go through ``|unlocalize`` (a builtin filter here).
"""

import re
import subprocess
from pathlib import Path

from django.template import Context, Template

ROOT = Path(__file__).resolve().parents[2]
BARE = re.compile(r"\{\{ ?(?:[a-zA-Z_][a-zA-Z0-9_]*\.)*(?:pk|id|[a-z_]+_id|year|[a-z_]+_year) ?\}\}")


def test_no_template_writes_an_identifier_or_a_year_through_the_thousand_separator():
    files = subprocess.run(
        ["git", "ls-files", "*.html"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(files) > 100
    bare = [
        f"{name}:{number}: {match.group(0)}"
        for name in files
        for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), start=1)
        for match in BARE.finditer(line)
    ]
    assert not bare, "\n".join(bare)


def test_unlocalize_is_at_hand_in_every_template_and_keeps_the_digits_together():
    rendered = Template("{{ pk }}|{{ pk|unlocalize }}|{{ year|unlocalize }}").render(
        Context({"pk": 1591, "year": 2026})
    )
    assert rendered == "1\xa0591|1591|2026"
