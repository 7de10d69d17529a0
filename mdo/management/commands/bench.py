import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mdo.models import User
from mdo.registry import registry


class Command(BaseCommand):
    help = (
        "Banc d'essai : pour chaque page principale, le nombre de requêtes SQL et le temps serveur médian, "
        "à côté de la liste d'administration Django du même modèle. Lancer après « seed_demo --size large »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=7, help="Nombre de requêtes par page (défaut : 7).")

    def handle(self, *args, repeat: int, **options):
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append("testserver")
        self.stdout.write(f"Base : {connection.vendor} — {User.objects.count()} utilisateur·rice·s — {repeat} passages par page\n")
        header = f"{'page':<48} {'requêtes':>9} {'médiane (ms)':>13} {'statut':>7}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        clients: dict[str, Client] = {}
        for page in registry.bench:
            client = clients.get(page.username)
            if client is None:
                client = clients[page.username] = Client()
                client.force_login(User.objects.get(username=page.username))
            self._measure(client, page.label, page.url(), repeat)
            if page.admin_url:
                admin = clients.get("admin")
                if admin is None:
                    admin = clients["admin"] = Client()
                    admin.force_login(User.objects.get(username="admin"))
                self._measure(admin, f"  ↳ admin Django", page.admin_url(), repeat)

    def _measure(self, client: Client, label: str, url: str, repeat: int) -> None:
        client.get(url)  # warm caches and templates
        timings, queries, status = [], 0, 0
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                timings.append((time.perf_counter() - started) * 1000)
            queries, status = len(ctx.captured_queries), response.status_code
        self.stdout.write(f"{label[:48]:<48} {queries:>9} {statistics.median(timings):>13.1f} {status:>7}")
