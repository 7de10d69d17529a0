import json
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from mdo.listing import ScopedTableView
from mdo.models import User
from mdo.registry import registry


class Command(BaseCommand):
    help = (
        "Banc d'essai : pour chaque page principale, le nombre de requêtes SQL et le temps serveur médian, "
        "à côté de la liste d'administration Django du même modèle (même taille de page, mesurées en "
        "alternance) et du rapport entre les deux. Lancer après « seed_demo --size large »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=7, help="Nombre de requêtes par page (défaut : 7).")
        parser.add_argument("--save", default="", help="Enregistre les mesures dans ce fichier JSON.")
        parser.add_argument(
            "--compare",
            nargs="*",
            default=[],
            help="Fichiers JSON d'autres volumes (ex. démo, grand) : la croissance du temps est affichée par rapport à chacun.",
        )

    def handle(self, *args, repeat: int, save: str, compare: list[str], **options):
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append("testserver")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        baselines = [(Path(name).stem, json.loads(Path(name).read_text())) for name in compare]
        self.stdout.write(
            f"Base : {connection.vendor} — {User.objects.count()} utilisateur·rice·s — {repeat} passages par page\n"
        )
        growth_header = "".join(f" {'× ' + name[:8]:>11}" for name, _data in baselines)
        header = (
            f"{'page':<44} {'requêtes':>8} {'médiane (ms)':>12} {'admin Django (ms)':>17} {'rapport':>7} "
            f"{'statut':>6}{growth_header}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        clients: dict[str, Client] = {}
        results = {}
        for page in registry.bench:
            client = self._client(clients, page.username)
            url = page.url()
            admin_url = page.admin_url() if page.admin_url else None
            if admin_url:
                self._same_page_size(url, admin_url)
            measured = self._measure(
                client, url, self._client(clients, "admin") if admin_url else None, admin_url, repeat
            )
            results[page.label] = measured
            ratio = f"{measured['ms'] / measured['admin_ms']:.2f}×" if measured.get("admin_ms") else ""
            admin = f"{measured['admin_ms']:.1f}" if measured.get("admin_ms") else ""
            growth = ""
            for _name, data in baselines:
                before = data.get(page.label, {}).get("ms")
                growth += f" {measured['ms'] / before:>10.2f}×" if before else f" {'':>11}"
            self.stdout.write(
                f"{page.label[:44]:<44} {measured['queries']:>8} {measured['ms']:>12.1f} {admin:>17} "
                f"{ratio:>7} {measured['status']:>6}{growth}"
            )
        if save:
            Path(save).write_text(json.dumps(results, indent=1, ensure_ascii=False))

    def _client(self, clients: dict[str, Client], username: str) -> Client:
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        return client

    def _same_page_size(self, url: str, admin_url: str) -> None:
        """The admin changelist shows as many rows as the page it stands beside (100 by default)."""
        view = resolve(url.split("?")[0]).func
        view_class = getattr(view, "view_class", None)
        model_admin = getattr(resolve(admin_url.split("?")[0]).func, "model_admin", None)
        if model_admin is not None and view_class is not None and issubclass(view_class, ScopedTableView):
            model_admin.list_per_page = view_class.paginate_by

    def _get(self, client: Client, url: str):
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            for _chunk in response.streaming_content:
                pass
        return response, (time.perf_counter() - started) * 1000

    def _measure(self, client: Client, url: str, admin: Client | None, admin_url: str | None, repeat: int) -> dict:
        self._get(client, url)  # warm caches and templates
        if admin:
            self._get(admin, admin_url)
        timings, admin_timings, queries, status = [], [], 0, 0
        # Page and admin in alternation, so that a load on the machine weighs on both alike.
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                response, ms = self._get(client, url)
            timings.append(ms)
            queries, status = len(ctx.captured_queries), response.status_code
            if admin:
                admin_timings.append(self._get(admin, admin_url)[1])
        measured = {"url": url, "queries": queries, "ms": statistics.median(timings), "status": status}
        if admin_timings:
            measured["admin_ms"] = statistics.median(admin_timings)
        return measured
