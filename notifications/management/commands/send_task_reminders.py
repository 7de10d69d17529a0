from django.core.management.base import BaseCommand

from notifications.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Envoie les rappels d'échéance et les relances de retard du jour (tâches, actions, jalons, factures, "
        "marchés, livraisons de projets). Au plus un rappel par personne, chose et jour : la commande peut "
        "tourner plusieurs fois par jour. Le moteur de tâches la lance lui-même chaque matin."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
