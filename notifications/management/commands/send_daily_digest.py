from django.core.management.base import BaseCommand

from notifications.digest import send_daily_digests


class Command(BaseCommand):
    help = "Envoie le récapitulatif quotidien à chaque personne qui l'a choisi (le moteur de tâches le lance chaque matin)."

    def handle(self, *args, **options):
        sent = send_daily_digests()
        self.stdout.write(f"{sent} récapitulatif(s) envoyé(s).")
