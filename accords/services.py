"""Writes of the accords registry: storing what the text readers found."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from accords.importers import ParsedAccord, ParsedListEntry, parse_file
from accords.models import Accord, Article, Certification, CertificationListEntry, RuleSet
from accords.models.registry import AccordStatus
from accords.signals import rule_set_corrected


@dataclass(frozen=True)
class ImportResult:
    accord: Accord
    parsed: ParsedAccord
    created: bool


def accords_import_file(*, path: Path | str) -> list[ImportResult]:
    """Read a file and store every text in it, all or nothing.

    Reading happens before the first write, so a file the readers refuse (ImportParseError)
    writes nothing; a failure while writing rolls back the texts stored before it.
    """
    parsed = parse_file(path)
    with transaction.atomic():
        return [accord_import(parsed=text, source_file=Path(path).name) for text in parsed]


@transaction.atomic
def accord_import(*, parsed: ParsedAccord, source_file: str) -> ImportResult:
    """Store one text with its articles and list; a text already stored is left untouched.

    The fingerprint of the normalised text identifies it, so importing the same file twice
    changes nothing.
    """
    existing = Accord.objects.filter(fingerprint=parsed.fingerprint).first()
    if existing is not None:
        return ImportResult(accord=existing, parsed=parsed, created=False)
    accord = Accord.objects.create(
        **_accord_fields(parsed), source_file=source_file, fingerprint=parsed.fingerprint
    )
    Article.objects.bulk_create(
        Article(accord=accord, number=a.number, title=a.title[:500], text=a.text, order=order)
        for order, a in enumerate(parsed.articles, start=1)
    )
    _store_list(accord, parsed.certification_entries)
    return ImportResult(accord=accord, parsed=parsed, created=True)


def _accord_fields(parsed: ParsedAccord) -> dict:
    return {
        "kind": parsed.kind,
        "title": parsed.title[:500],
        "idcc": parsed.idcc,
        "brochure": parsed.brochure,
        "nor": parsed.nor,
        "signature_date": parsed.signature_date,
        "extension_order_date": parsed.extension_order_date,
        "jorf_date": parsed.jorf_date,
        "in_force_from": parsed.in_force_from,
        "employer_signatories": "\n".join(parsed.employer_signatories),
        "union_signatories": "\n".join(parsed.union_signatories),
        "status": _status(parsed),
        "source_text": parsed.source_text,
    }


def _status(parsed: ParsedAccord) -> str:
    if parsed.in_force_from:
        return AccordStatus.IN_FORCE
    if parsed.extension_order_date:
        return AccordStatus.EXTENDED
    return AccordStatus.SIGNED


def _store_list(accord: Accord, entries: list[ParsedListEntry]) -> None:
    certifications = {entry.rncp_code: _certification(entry) for entry in entries}
    CertificationListEntry.objects.bulk_create(
        CertificationListEntry(
            accord=accord,
            certification=certifications[entry.rncp_code],
            sector=entry.sector,
            sub_sector=entry.sub_sector,
            job=entry.job,
            title_as_listed=entry.title,
            excluded_from_extension=entry.excluded_from_extension,
            order=order,
        )
        for order, entry in enumerate(entries, start=1)
    )


def _certification(entry: ParsedListEntry) -> Certification:
    """The certification of a code, created from its first listing when it is new."""
    certification, _ = Certification.objects.get_or_create(
        code=entry.rncp_code, defaults={"title": entry.title[:500], "level": entry.level}
    )
    return certification


@transaction.atomic
def rule_set_save(*, rule_set: RuleSet, by, created: bool) -> RuleSet:
    """Validate and save a rule set; a correction of an existing one, once committed, has the
    dossiers it governs checked again (`accords.signals.rule_set_corrected`)."""
    rule_set.full_clean()
    rule_set._history_user = by
    rule_set.save()
    if not created:
        rule_set_id = rule_set.pk
        transaction.on_commit(
            lambda: rule_set_corrected.send(sender=RuleSet, rule_set_id=rule_set_id)
        )
    return rule_set
