"""What the apps hang on the core, registered from their ``AppConfig.ready()``.

The core never imports an app: the navigation bar, the dashboard panels, the inbox of tasks,
the personal calendar feed, the demo seed and the benchmark loop over what is registered here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    order: int
    #: Shown only to users for whom this returns True (everyone when None).
    visible_to: Callable | None = None


@dataclass(frozen=True)
class DashboardPanel:
    """A panel of "Mon tableau de bord": ``render(request)`` returns its HTML or '' to hide it."""

    key: str
    order: int
    render: Callable


@dataclass(frozen=True)
class TaskItem:
    """One line of "Mes tâches", whatever flow it comes from."""

    title: str
    url: str
    created: object  # aware datetime: the inbox lists oldest first
    kind: str = ""  # e.g. "Validation de ligne budgétaire", "Avis de faisabilité"
    due: object = None  # date or None
    amount: object = None  # Decimal or None
    project: str = ""
    project_url: str = ""
    assigned_to_me: bool = False
    take_url: str = ""  # POST here to take the task ('' when already taken or not takeable)
    release_url: str = ""

    @property
    def is_late(self) -> bool:
        from django.utils import timezone

        return bool(self.due and self.due < timezone.localdate())


@dataclass(frozen=True)
class TaskSource:
    """Open tasks a user may take: ``count(user)`` for the badge, ``items(user)`` for the inbox."""

    key: str
    count: Callable
    items: Callable


@dataclass(frozen=True)
class CalendarSource:
    """Events of a personal feed: ``events(user)`` returns icalendar components."""

    key: str
    events: Callable


@dataclass(frozen=True)
class Seeder:
    key: str
    order: int
    run: Callable  # run(*, size: str, stdout) -> None


@dataclass(frozen=True)
class BenchPage:
    """A page for ``manage.py bench``: its URL is computed once the data exists."""

    label: str
    url: Callable  # url() -> str
    username: str = "mdo.manager"
    admin_url: Callable | None = None


@dataclass
class Registry:
    nav: list[NavEntry] = field(default_factory=list)
    panels: list[DashboardPanel] = field(default_factory=list)
    tasks: list[TaskSource] = field(default_factory=list)
    calendars: list[CalendarSource] = field(default_factory=list)
    seeders: list[Seeder] = field(default_factory=list)
    bench: list[BenchPage] = field(default_factory=list)


registry = Registry()


def _add(items: list, item, key: str) -> None:
    # ready() may run twice in some test runners: registering is idempotent by key.
    items[:] = [existing for existing in items if getattr(existing, "key", getattr(existing, "label", None)) != key]
    items.append(item)


def register_nav(key: str, label: str, url_name: str, *, order: int, visible_to: Callable | None = None) -> None:
    _add(registry.nav, NavEntry(key, label, url_name, order, visible_to), key)
    registry.nav.sort(key=lambda entry: entry.order)


def register_panel(key: str, render: Callable, *, order: int) -> None:
    _add(registry.panels, DashboardPanel(key, order, render), key)
    registry.panels.sort(key=lambda panel: panel.order)


def register_tasks(key: str, *, count: Callable, items: Callable) -> None:
    _add(registry.tasks, TaskSource(key, count, items), key)


def register_calendar(key: str, events: Callable) -> None:
    _add(registry.calendars, CalendarSource(key, events), key)


def register_seeder(key: str, run: Callable, *, order: int) -> None:
    _add(registry.seeders, Seeder(key, order, run), key)
    registry.seeders.sort(key=lambda seeder: seeder.order)


def register_bench(label: str, url: Callable, *, username: str = "mdo.manager", admin_url: Callable | None = None) -> None:
    _add(registry.bench, BenchPage(label, url, username, admin_url), label)
