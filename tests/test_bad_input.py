"""Property-based: no input to any form or import of the app gives a server error, and a refusal writes nothing.

The forms are not listed by hand: the pages of a small data set are fetched as the MDO officer and
the MDO manager, and every ``<form method="post">`` they show (creation pages, the detail pages'
action forms, the imports) is collected with its fields. Hypothesis then fills each form with
values a hurried or hostile user could send — junk text, control characters and line breaks, huge
strings, out-of-range numbers, impossible dates, option values that do not exist, undecodable
bytes as uploads, fields left out — and each answer must be:

- below 500, with no traceback in it;
- when it is a refusal (4xx, a form shown again with its errors, or an error message), free of any
  write: the row counts of every table of the app (history tables included, so that an update
  shows too) are those of before the request.

The budget is fixed (a few examples per form, derandomised so that a failure is reproducible)
and keeps the test around a minute on the development machine.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms import BaseForm
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from meetings import services as meeting_services
from planning.models import PhaseKind, ProjectPhase
from planning.services import phase_kinds_ensure_defaults, phase_save
from tests.consultations.conftest import build_consultation, open_consultation
from tests.factories import town_hall
from tests.meetings.factories import make_meeting
from tests.vendors.factories import ProjectFactory, approved_line, make_contract, make_order
from vendors import services as vendor_services

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 6
#: Forms that end the session or only move the user around: nothing to fuzz.
SKIPPED_ACTIONS = ("/accounts/logout/", "/calendar/revoquer/")
APPS = (
    "mdo",
    "projects",
    "budgets",
    "vendors",
    "meetings",
    "consultations",
    "planning",
    "notifications",
    "indicators",
    "outbox",
    "workflow",
)

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "-0,01",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 40,
    "99999999999999,99",
    "1 234,56",
    "1.234,56",
    "12,345,67",
    "31/02/2026",
    "2026-02-30",
    "29/02/2027",
    "00/00/0000",
    "24:00",
    "02:30",
    "25:61",
    "Titre\r\nBcc: victime@exemple.fr",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example","clic")',
    "'; DROP TABLE mdo_user; --",
    "../../etc/passwd",
    "//evil.example/",
    "javascript:alert(1)",
    "x" * 300,
    "é" * 5000,
]
junk_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(datetime.date.isoformat),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
    st.just("x" * 150_000),
)
upload_bytes = st.one_of(
    st.binary(max_size=600),
    st.sampled_from(
        [
            b"id;titre;co\xfbt;voix\nA1;Banc;100;4\n\x81\x8d\x8f\x90\x9d\n",
            b'id;titre;cout;voix\rA1;"' + b"x" * 140_000 + b'";1;1\r',
            b"META\nkey;value\nbudget;1000\nPROJECTS\nproject_id;cost;votes;name\n1;100;5;A\n1;beaucoup;3;B\n",
            b"%PDF-1.4 plan",
            b"MZ\x90\x00",
            b"",
        ]
    ),
)


class _FormParser(HTMLParser):
    """The POST forms of a page: action, and for each field its kind and the options it offers."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {
                "action": attrs.get("action") or "",
                "fields": {},
                "multipart": "multipart" in (attrs.get("enctype") or ""),
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            name = attrs["name"]
            if name == "csrfmiddlewaretoken":
                return
            kind = attrs.get("type", tag) if tag == "input" else tag
            field = self._form["fields"].setdefault(name, {"kind": kind, "options": []})
            if kind in ("checkbox", "radio", "hidden", "submit") and attrs.get("value") is not None:
                field["options"].append(attrs["value"])
            if tag == "select":
                self._select = field
        elif tag == "option" and self._select is not None and attrs.get("value") is not None:
            self._select["options"].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _post_forms(html: str, page_url: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        form["action"] = form["action"] or page_url
    return [form for form in parser.forms if not form["action"].startswith(SKIPPED_ACTIONS)]


def _fingerprint() -> dict[str, int]:
    """Row counts of every table of the app: a write of any kind (history rows record the updates) changes one.

    One query for all tables, so that it costs less than the request it watches.
    """
    models = [model for model in apps.get_models() if model._meta.app_label in APPS and not model._meta.proxy]
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in models)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models, counts, strict=True)}


def _value(field, data):
    options = [option for option in field["options"] if option != ""]
    if field["kind"] == "file":
        content = data.draw(upload_bytes, label="upload")
        name = data.draw(
            st.sampled_from(["votes.csv", "resultats.pb", "plan.pdf", "virus.exe", "sans-nom"]), label="filename"
        )
        return SimpleUploadedFile(name, content)
    if options and data.draw(st.booleans(), label="use an offered option"):
        return data.draw(st.sampled_from(options), label="option")
    return data.draw(junk_text, label="junk")


def _refused(response) -> bool:
    if response.status_code >= 400:
        return True
    # Only the messages of this request (earlier ones wait in the cookie, the redirects are not followed).
    queued = get_messages(response.wsgi_request)._queued_messages
    if any(message.level >= message_levels.ERROR for message in queued):
        return True
    if response.status_code == 200 and response.context is not None:
        contexts = response.context if isinstance(response.context, list) else [response.context]
        for context in contexts:
            for value in context.flatten().values():
                if isinstance(value, BaseForm) and value.is_bound and value.errors:
                    return True
    return False


@pytest.fixture
def data_set(mdo_officer, mdo_manager, town_hall_agent):
    """One record of each kind, so that the detail pages show their action forms."""
    project = ProjectFactory(title="Végétalisation de la place Guichard", district=3)
    line = approved_line(project=project, requester=mdo_manager)
    contract = make_contract(by=mdo_officer, reference="2026-AC-001", max_amount_ht=Decimal("100000.00"))
    order = make_order(
        contract=contract,
        line=line,
        by=mdo_officer,
        amount_ht=Decimal("20000.00"),
        issued_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    milestone = vendor_services.milestone_create(
        label="Atelier 1", due_on=timezone.localdate(), by=mdo_officer, order=order, amount_ht=Decimal("5000.00")
    )
    invoice = vendor_services.invoice_create(
        order=order,
        number="F-2026-001",
        amount_ht=Decimal("1000.00"),
        received_on=timezone.localdate() - datetime.timedelta(days=10),
        by=mdo_officer,
    )
    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)], agenda=["Point budgétaire"])
    meeting_services.action_add(meeting=meeting, by=mdo_officer, title="Relancer", owner=town_hall_agent)
    in_preparation = build_consultation(mdo_officer, partners=[town_hall(3)], title="Place Guichard")
    question = in_preparation.versions.get().questions.first()
    answered = open_consultation(mdo_officer, mdo_manager, partners=[town_hall(3)], title="Berges du Rhône")
    phase_kinds_ensure_defaults()
    phase = phase_save(
        phase=ProjectPhase(
            project=project,
            kind=PhaseKind.objects.order_by("order").first(),
            planned_start=timezone.localdate(),
            planned_end=timezone.localdate() + datetime.timedelta(days=90),
        ),
        by=mdo_officer,
    )
    return [
        reverse("projects:index"),
        reverse("projects:create"),
        project.get_absolute_url(),
        reverse("projects:vote_import"),
        reverse("budgets:line_create"),
        reverse("budgets:line_detail", args=[line.pk]),
        reverse("vendors:vendor_create"),
        reverse("vendors:vendor_detail", args=[contract.vendor_id]),
        reverse("vendors:contract_create"),
        reverse("vendors:contract_detail", args=[contract.pk]),
        reverse("vendors:order_detail", args=[order.pk]),
        reverse("vendors:milestone_detail", args=[milestone.pk]),
        reverse("vendors:invoice_detail", args=[invoice.pk]),
        reverse("vendors:import"),
        reverse("meetings:create"),
        reverse("meetings:series_create"),
        meeting.get_absolute_url(),
        reverse("meetings:edit", args=[meeting.pk]),
        reverse("meetings:my_actions"),
        reverse("consultations:create"),
        in_preparation.get_absolute_url(),
        reverse("consultations:edit", args=[in_preparation.pk]),
        reverse("consultations:builder", args=[in_preparation.pk]),
        reverse("consultations:question_edit", args=[in_preparation.pk, question.pk]),
        reverse("consultations:glossary"),
        reverse("consultations:criteria"),
        reverse("consultations:project_evaluation", args=[project.pk]),
        answered.get_absolute_url(),
        reverse("consultations:import", args=[answered.pk]),
        reverse("consultations:bilan_edit", args=[answered.pk]),
        reverse("consultations:resource_create"),
        reverse("planning:phase_create", args=[project.pk]),
        reverse("planning:phase_edit", args=[phase.pk]),
        reverse("notifications:preferences"),
        reverse("indicators:index"),
    ]


def _harvest(client, pages) -> list[dict]:
    forms, seen = [], set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for form in _post_forms(response.content.decode(), page):
            key = (urlsplit(form["action"]).path, tuple(sorted(form["fields"])))
            if key not in seen:
                seen.add(key)
                forms.append(form)
    return forms


@pytest.mark.parametrize("role", ["mdo_officer", "mdo_manager"])
def test_no_input_to_any_form_gives_a_server_error_or_a_write_after_a_refusal(
    role, request, data_set, settings, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(role)
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = Client(raise_request_exception=False)
    client.force_login(user)
    forms = _harvest(client, data_set)
    assert len(forms) >= 15, [form["action"] for form in forms]
    print(f"\n{len(forms)} formulaires pour {role} : " + ", ".join(sorted({urlsplit(f["action"]).path for f in forms})))
    failures = defaultdict(list)

    for form in forms:
        # No shrinking: a failure is reported as found, and the time spent stays bounded.
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_FORM,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
                HealthCheck.function_scoped_fixture,
            ],
        )
        # Run within this iteration, so reading the loop's ``form`` is safe (B023).
        @given(st.data())
        def fill_and_send(data):
            payload = {}
            for name, field in form["fields"].items():  # noqa: B023
                if data.draw(st.integers(0, 9), label=f"{name} left out") == 0:
                    continue
                payload[name] = _value(field, data)
            before = _fingerprint()
            with django_capture_on_commit_callbacks(
                execute=True
            ):  # e-mails and other after-commit work run, as in production
                response = client.post(form["action"], payload)  # noqa: B023
            body = response.content.decode("utf-8", "replace") if not response.streaming else ""
            # Recorded rather than raised: the data changes with each request, a replay would not reproduce it.
            if response.status_code >= 500:
                failures[form["action"]].append(f"→ {response.status_code} avec {payload!r:.500}")  # noqa: B023
            elif "Traceback" in body:
                failures[form["action"]].append(f"montre une trace avec {payload!r:.500}")  # noqa: B023
            elif _refused(response):
                after = _fingerprint()
                changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
                if changed:
                    failures[form["action"]].append(f"refusé mais a écrit {changed} avec {payload!r:.500}")  # noqa: B023

        fill_and_send()
    assert not failures, "\n\n".join(f"{action}:\n" + "\n".join(errors) for action, errors in failures.items())
