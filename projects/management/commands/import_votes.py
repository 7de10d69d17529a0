from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.imports import ImportFailed, import_votes


class Command(BaseCommand):
    help = (
        "Importe les résultats d'un vote (fichier Pabulib .pb ou CSV) dans une édition du budget participatif. "
        "Tout ou rien : la moindre erreur (avec son numéro de ligne) arrête l'import."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier .pb (Pabulib, export Decidim) ou .csv")
        parser.add_argument("--edition", required=True, help="Nom de l'édition (créée si elle n'existe pas).")
        parser.add_argument("--dry-run", action="store_true", help="Vérifie et résume sans rien enregistrer.")
        winners = parser.add_mutually_exclusive_group()
        winners.add_argument(
            "--winners-by-rule",
            action="store_true",
            help="Calcule les lauréats selon la règle du fichier, même si une colonne selected existe.",
        )
        winners.add_argument(
            "--no-winners",
            action="store_true",
            help="Importe la colonne selected telle quelle, même si elle ne désigne aucun lauréat.",
        )

    def handle(
        self,
        *args,
        file: str,
        edition: str,
        dry_run: bool,
        winners_by_rule: bool = False,
        no_winners: bool = False,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            summary = import_votes(
                path.read_bytes(),
                filename=path.name,
                edition_name=edition,
                dry_run=dry_run,
                winners_by_rule=True if winners_by_rule else False if no_winners else None,
            )
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(f"Import annulé : {len(failure.errors)} erreur(s), rien n'a été enregistré.") from None
        for line in summary.lines():
            self.stdout.write(line)
