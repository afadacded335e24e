"""The state's company search: « API Recherche d'entreprises » (recherche-entreprises.api.gouv.fr).

No key. `GET /search?q=<SIRET>` answers `results`, one per legal unit (unité légale): its
name (`nom_raison_sociale`, `nom_complet`), `complements` (`est_qualiopi`,
`est_organisme_formation`, `liste_idcc`, `liste_id_organisme_formation`), its `siege` and the
establishments that match the query (`matching_etablissements`), each with `siret`,
`adresse`, `code_postal`, `libelle_commune`, `activite_principale` (NAF code),
`etat_administratif` (« A » open, « F » closed), `date_fermeture`, `liste_idcc` and
`liste_id_organisme_formation` (training declaration numbers, NDA).

The service allows 7 requests per second per caller and answers 429 beyond: the client keeps
to that pace itself and reports a 429 (with its `Retry-After`) as a temporary failure, as it
does a network failure, a timeout or a 5xx. Everything it raises carries a French message.
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass

import requests
from django.conf import settings

DEFAULT_URL = "https://recherche-entreprises.api.gouv.fr/search"
# (connect, read) in seconds: the task has its own time limit on top.
DEFAULT_TIMEOUT = (3.05, 10)
REQUESTS_PER_SECOND = 7  # the service's documented limit
SERVICE = "Le service « Recherche d'entreprises »"


class CompanySearchError(Exception):
    """The lookup failed and trying again will not help (refused request, unreadable answer)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SiretNotFound(CompanySearchError):
    """The register holds no establishment with this SIRET."""


class CompanySearchUnavailable(CompanySearchError):
    """A temporary failure (network, timeout, 429, 5xx): worth trying again later.

    `retry_after`: seconds the service asked us to wait (429), when it said so."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Establishment:
    """What the register says about one establishment (and its legal unit)."""

    siret: str
    name: str
    address: str
    postal_code: str
    city: str
    naf_code: str
    closed: bool
    closed_on: dt.date | None
    idcc: tuple[str, ...] = ()
    nda_numbers: tuple[str, ...] = ()
    training_provider: bool | None = None
    qualiopi: bool | None = None


class _Pace:
    """At most `per_second` calls per second in this process (the register's limit)."""

    def __init__(self, per_second: int):
        self.interval = 1 / per_second
        self.lock = threading.Lock()
        self.next_at = 0.0

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            if self.next_at > now:
                time.sleep(self.next_at - now)
                now = self.next_at
            self.next_at = now + self.interval


PACE = _Pace(REQUESTS_PER_SECOND)


def new_session() -> requests.Session:
    """The HTTP session of a client (tests mount their recorded transport on it)."""
    session = requests.Session()
    session.headers["Accept"] = "application/json"
    session.headers["User-Agent"] = "alternance-interim (recherche SIRET)"
    return session


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _codes(*candidates) -> tuple[str, ...]:
    """The first non-empty list among `candidates`, as strings (lists may be null)."""
    for candidate in candidates:
        if candidate:
            return tuple(str(code).strip() for code in candidate if str(code).strip())
    return ()


class CompanySearchClient:
    def __init__(self, *, session=None, url: str | None = None, timeout=None):
        self.session = session or new_session()
        self.url = url or getattr(settings, "COMPANY_SEARCH_URL", DEFAULT_URL)
        self.timeout = timeout or getattr(settings, "COMPANY_SEARCH_TIMEOUT", DEFAULT_TIMEOUT)

    def establishment(self, siret: str) -> Establishment:
        """The establishment `siret` as the register has it; raises a CompanySearchError."""
        siret = "".join(siret.split())
        payload = self._get({"q": siret, "page": 1, "per_page": 5})
        try:
            return self._find(payload, siret)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise CompanySearchError(
                f"{SERVICE} a renvoyé une réponse illisible pour le SIRET {siret}."
            ) from exc

    def _get(self, params: dict) -> dict:
        PACE.wait()
        try:
            response = self.session.get(self.url, params=params, timeout=self.timeout)
        except requests.Timeout as exc:
            raise CompanySearchUnavailable(
                f"{SERVICE} n'a pas répondu à temps : nouvel essai plus tard."
            ) from exc
        except requests.RequestException as exc:
            raise CompanySearchUnavailable(
                f"{SERVICE} est injoignable (réseau absent ou service hors ligne) : "
                "nouvel essai plus tard."
            ) from exc
        status = response.status_code
        if status == 429:
            raise CompanySearchUnavailable(
                f"{SERVICE} limite le nombre de demandes (7 par seconde) : nouvel essai plus tard.",
                retry_after=_retry_after(response),
            )
        if status >= 500:
            raise CompanySearchUnavailable(
                f"{SERVICE} est en difficulté (erreur HTTP {status}) : nouvel essai plus tard."
            )
        if status != 200:
            raise CompanySearchError(f"{SERVICE} a refusé la demande (erreur HTTP {status}).")
        try:
            payload = response.json()
        except ValueError as exc:
            raise CompanySearchError(f"{SERVICE} a renvoyé une réponse illisible.") from exc
        if not isinstance(payload, dict):
            raise CompanySearchError(f"{SERVICE} a renvoyé une réponse illisible.")
        return payload

    def _find(self, payload: dict, siret: str) -> Establishment:
        for unit in payload.get("results") or []:
            candidates = [*(unit.get("matching_etablissements") or []), unit.get("siege") or {}]
            for place in candidates:
                if place.get("siret") == siret:
                    return _establishment(unit, place)
        raise SiretNotFound(
            f"Aucun établissement ne porte le SIRET {siret} dans le répertoire des entreprises."
        )


def _establishment(unit: dict, place: dict) -> Establishment:
    complements = unit.get("complements") or {}
    return Establishment(
        siret=place["siret"],
        name=(unit.get("nom_raison_sociale") or unit.get("nom_complet") or "").strip(),
        address=(place.get("adresse") or "").strip(),
        postal_code=place.get("code_postal") or "",
        city=(place.get("libelle_commune") or "").strip(),
        naf_code=place.get("activite_principale") or unit.get("activite_principale") or "",
        closed=place.get("etat_administratif") == "F",
        closed_on=_date(place.get("date_fermeture")),
        idcc=_codes(place.get("liste_idcc"), complements.get("liste_idcc")),
        nda_numbers=_codes(
            place.get("liste_id_organisme_formation"),
            complements.get("liste_id_organisme_formation"),
        ),
        training_provider=complements.get("est_organisme_formation"),
        qualiopi=complements.get("est_qualiopi"),
    )
