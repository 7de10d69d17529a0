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
    """Open tasks a user may take: ``count(user)`` for the badge, ``items(user)`` for the inbox.

    ``queryset(user)``, when given, returns the open tasks as a queryset: the navigation badge then
    counts every source in one SQL query (``mdo.inbox.open_task_count``) instead of one per source.
    """

    key: str
    count: Callable
    items: Callable
    queryset: Callable | None = None


@dataclass(frozen=True)
class NavCount:
    """A count of the navigation bar besides the task badge (the bell's unread notifications):
    ``queryset(user)`` is counted in the same SQL query as the tasks, and never cached."""

    key: str
    queryset: Callable


@dataclass(frozen=True)
class CalendarSource:
    """Events of a personal feed: ``events(user)`` returns icalendar components."""

    key: str
    events: Callable


@dataclass(frozen=True)
class ProfileSection:
    """A section of a person's page: ``render(request, person)`` returns its HTML or ''."""

    key: str
    order: int
    render: Callable


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


@dataclass(frozen=True)
class SearchSource:
    """A kind of record the global search looks into: ``search(user, query, limit)`` returns
    :class:`mdo.search.SearchResult` rows in the user's scope, in one query whatever the volume."""

    key: str
    label: str
    order: int
    search: Callable


@dataclass(frozen=True)
class PickerSource:
    """The choices of a type-ahead picker: ``options(user, query, limit)`` returns
    :class:`mdo.search.PickerOption` rows in the user's scope; ``params`` narrows it (e.g. a project)."""

    key: str
    options: Callable


@dataclass
class Registry:
    nav: list[NavEntry] = field(default_factory=list)
    panels: list[DashboardPanel] = field(default_factory=list)
    tasks: list[TaskSource] = field(default_factory=list)
    nav_counts: list[NavCount] = field(default_factory=list)
    calendars: list[CalendarSource] = field(default_factory=list)
    seeders: list[Seeder] = field(default_factory=list)
    bench: list[BenchPage] = field(default_factory=list)
    search: list[SearchSource] = field(default_factory=list)
    pickers: dict[str, PickerSource] = field(default_factory=dict)
    profile_sections: list[ProfileSection] = field(default_factory=list)


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


def register_tasks(key: str, *, count: Callable, items: Callable, queryset: Callable | None = None) -> None:
    _add(registry.tasks, TaskSource(key, count, items, queryset), key)


def register_nav_count(key: str, queryset: Callable) -> None:
    _add(registry.nav_counts, NavCount(key, queryset), key)


def register_calendar(key: str, events: Callable) -> None:
    _add(registry.calendars, CalendarSource(key, events), key)


def register_profile_section(key: str, render: Callable, *, order: int) -> None:
    _add(registry.profile_sections, ProfileSection(key, order, render), key)
    registry.profile_sections.sort(key=lambda section: section.order)


def register_seeder(key: str, run: Callable, *, order: int) -> None:
    _add(registry.seeders, Seeder(key, order, run), key)
    registry.seeders.sort(key=lambda seeder: seeder.order)


def register_bench(
    label: str, url: Callable, *, username: str = "mdo.manager", admin_url: Callable | None = None
) -> None:
    _add(registry.bench, BenchPage(label, url, username, admin_url), label)


def register_search(key: str, label: str, search: Callable, *, order: int) -> None:
    _add(registry.search, SearchSource(key, label, order, search), key)
    registry.search.sort(key=lambda source: source.order)


def register_picker(key: str, options: Callable) -> None:
    registry.pickers[key] = PickerSource(key, options)
