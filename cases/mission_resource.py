"""How a row of an agency's back-office export becomes a mission (django-import-export).

The columns arrive already renamed to the keys below (`cases.services.mission_import` reads
the agency's mapping). Every record a row names is looked up within the importing agency and
the user's reach, never across agencies: a worker, a dossier or a contract number of another
agency is a row error. Rows are written by the missions service, never by the ORM here.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from cases import selectors
from cases.exceptions import DossierError
from cases.models import Agency, Mission
from cases.services.missions import mission_create, mission_update

# Canonical column keys, in the order of the mission's fields.
CONTRACT, NIR, SIRET, START, END, HOURS, DOSSIER = (
    "contract_number",
    "nir",
    "client_siret",
    "start",
    "end",
    "hours",
    "dossier",
)
COLUMN_OF_FIELD = {
    "contract_number": CONTRACT,
    "worker": NIR,
    "client_company": SIRET,
    "start": START,
    "end": END,
    "hours": HOURS,
    "dossier": DOSSIER,
}
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def _text(value) -> str:
    """A cell as text: numbers read from a spreadsheet lose their « .0 »."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _digits(value) -> str:
    return "".join(_text(value).split()).replace(".", "").upper()


class ContractNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            raise ValueError("Le n° de contrat est vide.")
        if len(text) > 50:
            raise ValueError("Le n° de contrat dépasse 50 caractères.")
        return text


class FrenchDateWidget(widgets.Widget):
    """JJ/MM/AAAA (also AAAA-MM-JJ), or a date cell of a spreadsheet."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        else:
            text = _text(value)
            if not text:
                raise ValueError("La date est vide.")
            day = next((d for fmt in DATE_FORMATS if (d := _parse(text, fmt))), None)
            if day is None:
                raise ValueError(f"« {text} » n'est pas une date.")
        if not EARLIEST <= day <= LATEST:
            raise ValueError(f"La date {day:%d/%m/%Y} est hors de 1900–2100.")
        return day


def _parse(text: str, fmt: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        return None


class FrenchHoursWidget(widgets.Widget):
    """35, 35,5 or 35.5; a number cell of a spreadsheet."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            raise ValueError("Le nombre d'heures est vide.")
        try:
            hours = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"« {_text(value)} » n'est pas un nombre d'heures.") from None
        if not hours.is_finite():
            raise ValueError(f"« {_text(value)} » n'est pas un nombre d'heures.")
        if hours != hours.quantize(Decimal("0.01")):
            raise ValueError("Le nombre d'heures a plus de deux décimales.")
        return hours.quantize(Decimal("0.01"))


class ScopedWidget(widgets.Widget):
    """A record looked up among those the importing user may choose in the importing agency."""

    def __init__(self, *, by, agency: Agency):
        super().__init__()
        self.by, self.agency = by, agency


class WorkerByNirWidget(ScopedWidget):
    def clean(self, value, row=None, **kwargs):
        nir = _digits(value)
        if not nir:
            raise ValueError("Le NIR est vide.")
        found = list(selectors.worker_list(user=self.by).filter(agency=self.agency, nir=nir)[:2])
        if not found:
            # The number is not repeated: the message may be logged.
            raise ValueError(f"Aucun salarié de l'agence « {self.agency.name} » n'a ce NIR.")
        if len(found) > 1:
            raise ValueError("Plusieurs salariés de l'agence ont ce NIR.")
        return found[0]


class ClientCompanyBySiretWidget(ScopedWidget):
    def clean(self, value, row=None, **kwargs):
        siret = _digits(value)
        if not siret:
            raise ValueError("Le SIRET de l'entreprise utilisatrice est vide.")
        company = selectors.client_company_list(user=self.by).filter(siret=siret).first()
        if company is None:
            raise ValueError(f"Aucune entreprise utilisatrice n'a le SIRET {siret}.")
        return company


class DossierByNumberWidget(ScopedWidget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(f"« {text} » n'est pas un n° de dossier.")
        dossier = (
            selectors.dossier_choices(user=self.by).filter(agency=self.agency, pk=int(text)).first()
        )
        if dossier is None:
            raise ValueError(
                f"Le dossier n° {text} n'est pas un dossier de l'agence que vous pouvez modifier."
            )
        return dossier


class MissionResource(resources.ModelResource):
    """One row, one mission of the importing agency, found again by its contract number."""

    contract_number = fields.Field(
        attribute="contract_number", column_name=CONTRACT, widget=ContractNumberWidget()
    )
    worker = fields.Field(attribute="worker", column_name=NIR)
    client_company = fields.Field(attribute="client_company", column_name=SIRET)
    start = fields.Field(attribute="start", column_name=START, widget=FrenchDateWidget())
    end = fields.Field(attribute="end", column_name=END, widget=FrenchDateWidget())
    hours = fields.Field(attribute="hours", column_name=HOURS, widget=FrenchHoursWidget())
    dossier = fields.Field(attribute="dossier", column_name=DOSSIER)

    class Meta:
        model = Mission
        fields = ("contract_number", "worker", "client_company", "start", "end", "hours", "dossier")
        import_id_fields = ("contract_number",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, *, by, agency: Agency):
        super().__init__()
        self.by, self.agency = by, agency
        self.fields["worker"].widget = WorkerByNirWidget(by=by, agency=agency)
        self.fields["client_company"].widget = ClientCompanyBySiretWidget(by=by, agency=agency)
        self.fields["dossier"].widget = DossierByNumberWidget(by=by, agency=agency)
        self.touched_dossier_ids: set[int] = set()
        self.lines_of_contracts: dict[str, int] = {}

    def before_import_row(self, row, **kwargs):
        """A contract named twice in one file is refused on its second line."""
        number = _text(row.get(CONTRACT))
        line = kwargs["row_number"] + 1  # the header is line 1
        if number and number in self.lines_of_contracts:
            first = self.lines_of_contracts[number]
            raise ValidationError(
                {"contract_number": f"Ce n° de contrat figure déjà ligne {first} du fichier."}
            )
        if number:
            self.lines_of_contracts[number] = line

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Dates out of order are the end column's error (the model says it for the row)."""
        errors = dict(import_validation_errors or {})
        start, end = getattr(instance, "start", None), getattr(instance, "end", None)
        if "start" not in errors and "end" not in errors and start and end and end < start:
            errors["end"] = ValidationError("La fin de la mission précède son début.")
        super().validate_instance(instance, errors, validate_unique)

    def get_instance(self, instance_loader, row):
        """The agency's mission with this contract number, if any (never another agency's)."""
        number = _text(row.get(CONTRACT))
        if not number:
            return None
        return (
            selectors.mission_list(user=self.by)
            .filter(worker__agency=self.agency, contract_number=number)
            .first()
        )

    def do_instance_save(self, instance, is_create):
        """Through the missions service; its deadlines are refreshed once per dossier later."""
        data = {name: getattr(instance, name) for name in self._meta.fields}
        try:
            if is_create:
                saved = mission_create(by=self.by, data=data, refresh=False)
            else:
                previous = Mission.objects.filter(pk=instance.pk).values_list(
                    "dossier_id", flat=True
                )
                self.touched_dossier_ids.update(filter(None, previous))
                saved = mission_update(mission_id=instance.pk, by=self.by, data=data, refresh=False)
        except DossierError as error:
            raise ValidationError(dict(error.errors) or error.message) from error
        instance.pk = saved.pk
        if saved.dossier_id:
            self.touched_dossier_ids.add(saved.dossier_id)
