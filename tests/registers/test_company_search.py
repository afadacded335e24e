"""The client of the state's company search (« API Recherche d'entreprises »), on recorded
answers in the service's own shape (tests/registers/data); never the real service."""

import datetime as dt

import pytest
import requests

from cases.registers import company_search
from cases.registers.company_search import (
    CompanySearchClient,
    CompanySearchError,
    CompanySearchUnavailable,
    SiretNotFound,
)
from tests.registers.conftest import ok


def test_an_open_establishment_with_its_name_address_naf_and_idcc(register):
    transport = register(ok("client_open.json"))
    found = CompanySearchClient().establishment("412 345 670 00019")
    assert found.siret == "41234567000019"
    assert found.name == "TRANSPORTS DU RHONE"
    assert found.address == "12 RUE DE LA REPUBLIQUE 69002 LYON"
    assert (found.postal_code, found.city) == ("69002", "LYON")
    assert found.naf_code == "49.41A"
    assert found.idcc == ("0016",)
    assert (found.closed, found.closed_on) == (False, None)
    # The SIRET is asked as the query, spaces removed; the answer is JSON.
    request = transport.requests[0]
    assert request.url.startswith("https://recherche-entreprises.api.gouv.fr/search?")
    assert "q=41234567000019" in request.url


def test_a_closed_establishment_etat_administratif_f(register):
    register(ok("client_closed.json"))
    found = CompanySearchClient().establishment("41234567000027")
    assert found.closed is True
    assert found.closed_on == dt.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("answer", "siret", "qualiopi", "nda"),
    [
        ("provider_qualiopi.json", "52345678800018", True, ("84691234569",)),
        ("provider_not_qualiopi.json", "63456789500012", False, ("84690000017",)),
    ],
)
def test_a_training_provider_with_its_declarations_and_qualiopi(
    register, answer, siret, qualiopi, nda
):
    register(ok(answer))
    found = CompanySearchClient().establishment(siret)
    assert found.qualiopi is qualiopi
    assert found.training_provider is True
    assert found.nda_numbers == nda


def test_a_siret_the_register_does_not_know(register):
    register(ok("not_found.json"))
    with pytest.raises(SiretNotFound) as error:
        CompanySearchClient().establishment("74567890400012")
    assert "Aucun établissement ne porte le SIRET 74567890400012" in error.value.message


def test_another_establishment_of_the_same_company_is_not_this_siret(register):
    register(ok("client_open.json"))  # answers about 41234567000019 only
    with pytest.raises(SiretNotFound):
        CompanySearchClient().establishment("41234567000027")


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (requests.ConnectionError("no route"), "est injoignable (réseau absent"),
        (requests.Timeout("read timed out"), "n'a pas répondu à temps"),
        ((503, b"<html>Service Unavailable</html>", {}), "erreur HTTP 503"),
        ((429, {"erreur": "Trop de requêtes"}, {"Retry-After": "2"}), "7 par seconde"),
    ],
)
def test_temporary_failures_say_so_in_french_and_may_be_retried(register, failure, words):
    register(failure)
    with pytest.raises(CompanySearchUnavailable) as error:
        CompanySearchClient().establishment("41234567000019")
    assert words in error.value.message
    assert "nouvel essai plus tard" in error.value.message


def test_a_429_passes_on_how_long_to_wait(register):
    register((429, {}, {"Retry-After": "3"}))
    with pytest.raises(CompanySearchUnavailable) as error:
        CompanySearchClient().establishment("41234567000019")
    assert error.value.retry_after == 3


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ((400, {"erreur": "Veuillez indiquer au moins un paramètre"}, {}), "erreur HTTP 400"),
        ((200, b"not json", {}), "réponse illisible"),
        ((200, {"results": [{"matching_etablissements": "?"}]}, {}), "réponse illisible"),
    ],
)
def test_refusals_and_unreadable_answers_are_final(register, answer, words):
    register(answer)
    with pytest.raises(CompanySearchError) as error:
        CompanySearchClient().establishment("41234567000019")
    assert not isinstance(error.value, CompanySearchUnavailable)
    assert words in error.value.message


def test_the_client_keeps_to_the_registers_pace(monkeypatch):
    """7 requests per second at most (the service's documented limit)."""
    pace = company_search._Pace(7)
    slept = []
    now = [100.0]
    monkeypatch.setattr(company_search.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(company_search.time, "sleep", slept.append)
    for _ in range(3):
        pace.wait()
    assert slept == pytest.approx([1 / 7, 2 / 7])


def test_the_test_suite_never_reaches_the_network():
    """Without recorded answers, a lookup meets an absent network (tests/conftest.py)."""
    with pytest.raises(CompanySearchUnavailable):
        CompanySearchClient().establishment("41234567000019")
