from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mdo.models import User
from vendors.imports import ImportError_, import_contracts


class Command(BaseCommand):
    help = (
        "Importe les marchés et bons de commande d'un fichier CSV (colonnes : docs/vendors.md). "
        "Tout ou rien : la moindre erreur annule l'import et chaque erreur est donnée avec son numéro de ligne."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Fichier CSV (« ; » ou « , », UTF-8 ou Windows-1252).")
        parser.add_argument("--user", required=True, help="Identifiant de l'agent·e MDO qui émet les bons importés.")

    def handle(self, *args, path: Path, user: str, **options):
        try:
            by = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"Utilisateur·rice « {user} » inconnu·e.") from None
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            result = import_contracts(path.read_bytes(), by=by)
        except ImportError_ as error:
            raise CommandError("Import annulé, rien n'a été enregistré :\n" + "\n".join(error.errors)) from None
        self.stdout.write(self.style.SUCCESS(f"Import réussi : {result.summary}."))
