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
FRENCH_CODES = {"document"}

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
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


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
    for url in admin_urls(user):
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        text = page_text(response.content.decode())
        for fault in faults(text):
            problems.append(f"{url}: {fault} … {_context(text, fault)}")
    assert not problems, "\n".join(problems)
