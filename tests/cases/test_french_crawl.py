"""French everywhere a person reads (issue #17): every admin page of the demo data, as each
role, and a set of API errors, hold no raw code and none of the English words kept below.

The pages are generated from the admin registry (each model's list, add form, a change page and
history page of an object the reader may see), so a new model admin is crawled without a change
here. Text is read without tags and attributes; scripts, styles and what users typed in form
fields (inputs, text areas) are left out.
"""

import contextlib
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from accords.choices import Dispositif
from cases.choices import DocumentKind, DossierEventKind, DossierState, Role
from cases.demo.seed import seed
from cases.models import User
from cases.reference import load_document_requirements
from cases.workflow.steps import STEPS

# Words that only show when a page is untranslated (Django's own French translations are on:
# « Add » reads « Ajouter », so an « Add another » on a page is ours).
ENGLISH_WORDS = (
    "None",
    "True",
    "False",
    "created",
    "transition",
    "submitted",
    "accepted",
    "refused",
    "Select",
    "Add another",
    "Change",
    "Delete",
    "History",
    "Search",
    "Save",
    "Home",
    "Log out",
    "Required",
    "This field",
    "Not found",
    "Method",
    "Authentication credentials",
    "not allowed",
    "Invalid",
    "FundingRate",
    "RuleSet",
    "DOMAIN.md",
    "YYYY",
    "AXES",
    "Access attempt",
    "Access log",
    "Access failure",
)

# Codes that are French words as they stand.
FRENCH_CODES = {"document", "close"}

# « de échéance », « le avis »: a missing elision (« de l'échéance »).
MISSING_ELISION = re.compile(r"(?<![\w'-])(?:de|le|la|que) (?=[aeiouéèêâàîô]\w)")

SKIPPED_TAGS = {"script", "style", "textarea", "noscript", "template"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _french_words() -> set[str]:
    """Every word of the French labels: a code that is also a French word (« programme »,
    « avenant ») is not a raw code."""
    words: set[str] = set()
    for choices in (Dispositif, DossierState, DocumentKind, DossierEventKind):
        for label in choices.labels:
            words |= {w.lower() for w in re.findall(r"[\w-]+", str(label))}
    return words


def raw_codes() -> set[str]:
    codes = {
        *Dispositif.values,
        *DossierState.values,
        *DocumentKind.values,
        *DossierEventKind.values,
        *STEPS,
    }
    french = _french_words() | FRENCH_CODES
    # « CPI », « CAR »… are the names people use; PRO_A_INTERIM is not.
    names = {d.value for d in Dispositif if "_" not in d.value}
    return {c for c in codes if c.lower() not in french and c not in names}


def faults(text: str) -> list[str]:
    found = []
    for code in sorted(raw_codes()):
        if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text):
            found.append(f"code {code!r}")
    for word in ENGLISH_WORDS:
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
            found.append(f"anglais {word!r}")
    for match in MISSING_ELISION.finditer(text):
        found.append(f"élision '{text[match.start() : match.end() + 12]}'")
    return found


def _context(text: str, fault: str, width: int = 60) -> str:
    needle = fault.split("'")[1]
    at = text.find(needle)
    return text[max(0, at - width) : at + width + len(needle)]


def admin_urls(user) -> list[str]:
    """The pages of the admin registry `user` may open, with one object of each list."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request):
            continue
        info = model._meta.app_label, model._meta.model_name
        if model_admin.has_view_permission(request):
            urls.append(reverse("admin:{}_{}_changelist".format(*info)))
            obj = model_admin.get_queryset(request).order_by("-pk").first()
            if obj is not None:
                urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
                with contextlib.suppress(NoReverseMatch):
                    urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
                urls += _past_version(model, obj, info)
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


def _past_version(model, obj, info) -> list[str]:
    """The page of one past version (django-simple-history), where the model keeps one."""
    history = getattr(obj, "history", None)
    version = history.order_by("history_id").first() if history is not None else None
    if version is None:
        return []
    name = "admin:{}_{}_simple_history".format(*info)
    return [reverse(name, args=[obj.pk, version.history_id])]


def report_urls(user) -> list[str]:
    """The reports page with a report drawn, for whoever may read reports."""
    if not user.has_perm("reports.view_storedreport"):
        return []
    page = reverse("admin:reports_storedreport_changelist")
    return [f"{page}?kind=cpne&period=2026&scope=all", f"{page}?kind=cpne&period=2025&scope=all"]


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEBUG = True
    load_document_requirements()
    return seed(tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_every_admin_page_reads_in_french(demo, client, role):
    username = next(a["username"] for a in demo if a["role"] == role)
    user = User.objects.get(username=username)
    client.force_login(user)
    problems = []
    for url in [*admin_urls(user), *report_urls(user)]:
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        text = page_text(response.content.decode())
        for fault in faults(text):
            problems.append(f"{url}: {fault} … {_context(text, fault)}")
    assert not problems, "\n".join(problems)


def json_texts(value, key: str = "") -> list[str]:
    """The texts a person reads in a JSON answer: every string value but the stable codes."""
    if isinstance(value, dict):
        return [text for k, v in value.items() if k != "code" for text in json_texts(v, k)]
    if isinstance(value, list):
        return [text for item in value for text in json_texts(item, key)]
    return [value] if isinstance(value, str) else []


API_ERRORS = [
    # (what, method, path, body, authenticated, expected status)
    ("404", "get", "/api/v1/dossiers/999999/", None, True, 404),
    ("404 route", "get", "/api/v1/nulle-part/", None, True, 404),
    (
        "400 validation",
        "post",
        "/api/v1/workers/",
        {"last_name": "", "birth_date": "31/12/1990", "nir": "123", "employment": "X"},
        True,
        400,
    ),
    ("400 dossier", "post", "/api/v1/dossiers/", {"contract_start": "demain"}, True, 400),
    ("405", "delete", "/api/v1/dossiers/", None, True, 405),
    ("401", "get", "/api/v1/dossiers/", None, False, 401),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("what", "method", "path", "body", "authenticated", "status"),
    API_ERRORS,
    ids=[error[0] for error in API_ERRORS],
)
def test_api_errors_read_in_french(demo, settings, what, method, path, body, authenticated, status):
    settings.DEBUG = False  # Django's own error pages, as in production
    client = APIClient()
    if authenticated:
        username = next(a["username"] for a in demo if a["role"] == Role.CASE_WORKER)
        client.force_authenticate(User.objects.get(username=username))
    response = getattr(client, method)(path, body, format="json")
    assert response.status_code == status, response.content
    texts = json_texts(response.json())
    assert texts, response.json()
    text = " ".join(texts)
    assert not faults(text), (faults(text), text)
