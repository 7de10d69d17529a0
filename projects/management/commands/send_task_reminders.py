from django.core.management.base import BaseCommand

from projects.flows import send_task_reminders


class Command(BaseCommand):
    help = ("Envoie un rappel par e-mail pour chaque tâche d'instruction de faisabilité en retard "
            "(au plus un par tâche et par jour : la commande peut tourner plusieurs fois par jour).")

    def handle(self, *args, **options):
        sent = send_task_reminders()
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
