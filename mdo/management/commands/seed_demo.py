import time

from django.core.management.base import BaseCommand

from mdo import seed
from mdo.registry import registry
from mdo.seed import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Crée les données de démonstration (Lyon, ses mairies, ses directions, ses quartiers et les comptes de démo). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=["demo", "large"],
            default="demo",
            help="« large » construit les volumes d'un mandat complet pour le banc d'essai (bench).",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiplie les volumes de « large » (ex. 3 : trois fois un mandat), pour mesurer la croissance des coûts.",
        )
        parser.add_argument("--quiet-logins", action="store_true", help="N'affiche pas les identifiants de démo.")

    def handle(self, *args, size: str, quiet_logins: bool, scale: float = 1.0, **options):
        seed.LARGE_SCALE = scale
        for seeder in registry.seeders:
            started = time.perf_counter()
            seeder.run(size=size, stdout=self.stdout)
            self.stdout.write(f"  [{seeder.key}] {time.perf_counter() - started:.1f} s")
        if not quiet_logins:
            self.stdout.write(self.style.SUCCESS(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD})"))
            for username, first, last, role, _org, _job in DEMO_USERS:
                self.stdout.write(f"  {username:<15} {first} {last} — {role.label}")
