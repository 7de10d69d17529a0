"""Static files of the apps, minus those of the apps listed in ``STATICFILES_SKIPPED_APPS``."""

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    """Django's finder over every installed app except the skipped ones.

    ``collectstatic`` then neither copies nor post-processes their files: a stylesheet of theirs that
    refers to a missing font cannot stop the build of the production static files.
    """

    def __init__(self, app_names=None, *args, **kwargs):
        if app_names is None:
            skipped = set(getattr(settings, "STATICFILES_SKIPPED_APPS", ()))
            app_names = [config.name for config in apps.get_app_configs() if config.name not in skipped]
        super().__init__(app_names, *args, **kwargs)
