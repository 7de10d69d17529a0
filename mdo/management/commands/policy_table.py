"""Prints the role × action table of mdo/policy.py; ``--write`` puts it into docs/roles.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from mdo import policy

DOC = Path(settings.BASE_DIR) / "docs" / "roles.md"
BEGIN, END = "<!-- policy_table: begin -->", "<!-- policy_table: end -->"


def document_with_table(text: str) -> str:
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{policy.table_markdown()}{END}{tail}"


class Command(BaseCommand):
    help = "Affiche le tableau rôles × actions (mdo/policy.py) ; --write met à jour docs/roles.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="réécrit le tableau de docs/roles.md")

    def handle(self, *args, write=False, **options):
        if not write:
            self.stdout.write(policy.table_markdown(), ending="")
            return
        DOC.write_text(document_with_table(DOC.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"{DOC} mis à jour.")
