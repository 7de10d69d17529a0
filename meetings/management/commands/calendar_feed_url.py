from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from mdo.models import User
from meetings.ical import absolute
from meetings.selectors import calendar_token_for


class Command(BaseCommand):
    help = "Affiche l'adresse de l'agenda personnel (flux .ics) d'un·e utilisateur·rice, pour le support."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Identifiant de connexion.")

    def handle(self, *args, username: str, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"Aucun·e utilisateur·rice « {username} ».") from None
        if not user.is_active:
            raise CommandError(f"Le compte « {username} » est désactivé : son flux ne répond pas.")
        token = calendar_token_for(user)
        self.stdout.write(absolute(reverse("meetings:personal_feed", args=[token.token])))
