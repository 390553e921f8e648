"""The only writers of the register, procurement interest and maturity self-assessments."""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from loti.models import FinancialYear
from loti.money import to_money

from .models import Organisation, User
from .permissions import officer_organisation_id
from .register_models import MaturityDimension, MaturityScore, MaturitySharing, ProcurementInterest, ServiceArea, System
from .register_permissions import can_keep_register, can_mark_interest, can_self_assess

log = logging.getLogger("loti.register")

SYSTEM_FIELDS = ("service_area", "product", "supplier", "contract_start", "contract_end", "annual_value", "notes")


def _clean_system_values(values: dict) -> dict:
    values = dict(values)
    for name in ("product", "supplier", "notes"):
        values[name] = (values.get(name) or "").strip()
    if values.get("annual_value") is not None:
        try:
            values["annual_value"] = to_money(values["annual_value"])
        except (TypeError, ValueError) as error:
            raise ValidationError({"annual_value": f"{values['annual_value']!r} is not an amount of money."}) from error
    return values


def _save_system(system: System, *, by: User, reason: str) -> System:
    system.updated_by = by
    system._change_reason = reason
    system.full_clean()  # fields, the unique product per service area, and the date order, in the form's words
    try:
        system.save()
    except IntegrityError as error:  # another officer saved the same product a moment ago
        raise ValidationError({"product": f"{system.organisation} already lists {system.product} in {system.service_area}."}) from error
    return system


def system_add(
    *,
    organisation: Organisation,
    added_by: User,
    service_area: ServiceArea,
    product: str,
    supplier: str,
    contract_start=None,
    contract_end=None,
    annual_value: Decimal | None = None,
    notes: str = "",
) -> System:
    """A borough's officer adds a system their borough runs to its register."""
    if not can_keep_register(added_by, organisation.pk):
        raise ValidationError(f"Only {organisation}'s own officers keep its register.")
    values = _clean_system_values(
        {
            "service_area": service_area,
            "product": product,
            "supplier": supplier,
            "contract_start": contract_start,
            "contract_end": contract_end,
            "annual_value": annual_value,
            "notes": notes,
        }
    )
    with transaction.atomic():
        system = _save_system(System(organisation=organisation, **values), by=added_by, reason=f"Added by {added_by.email}")
    log.info("system-added who=%s organisation=%s system=%s", added_by.email, organisation, system.pk)
    return system


def system_change(*, system: System, changed_by: User, **values) -> System:
    """A borough's officer corrects or renews one of its entries (a new contract end date, a new supplier...)."""
    unknown = set(values) - set(SYSTEM_FIELDS)
    if unknown:
        raise TypeError(f"system_change() got unknown fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = System.objects.select_for_update(of=("self",)).select_related("organisation", "service_area").get(pk=system.pk)
        if not can_keep_register(changed_by, locked.organisation_id):
            raise ValidationError(f"Only {locked.organisation}'s own officers keep its register.")
        values = _clean_system_values({name: values.get(name, getattr(locked, name)) for name in SYSTEM_FIELDS})
        for name, value in values.items():
            setattr(locked, name, value)
        system = _save_system(locked, by=changed_by, reason=f"Changed by {changed_by.email}")
    log.info("system-changed who=%s organisation=%s system=%s", changed_by.email, system.organisation, system.pk)
    return system


def procurement_interest_mark(*, service_area: ServiceArea, marked_by: User) -> ProcurementInterest:
    """The officer's borough would buy together with others in this service area. Marking twice changes nothing."""
    if not can_mark_interest(marked_by):
        raise ValidationError("Only an approved officer of a borough can say their borough is interested.")
    organisation_id = officer_organisation_id(marked_by)
    assert organisation_id is not None  # can_mark_interest said so
    with transaction.atomic():
        interest, created = ProcurementInterest.objects.get_or_create(
            service_area=service_area, organisation_id=organisation_id, defaults={"marked_by": marked_by}
        )
    if created:
        log.info("procurement-interest who=%s organisation=%s service_area=%s", marked_by.email, organisation_id, service_area)
    return interest


def procurement_interest_withdraw(*, service_area: ServiceArea, withdrawn_by: User) -> bool:
    organisation_id = officer_organisation_id(withdrawn_by)
    if organisation_id is None:
        raise ValidationError("Only an approved officer of a borough can withdraw their borough's interest.")
    with transaction.atomic():
        deleted, _ = ProcurementInterest.objects.filter(service_area=service_area, organisation_id=organisation_id).delete()
    if deleted:
        log.info("procurement-interest-withdrawn who=%s organisation=%s service_area=%s", withdrawn_by.email, organisation_id, service_area)
    return bool(deleted)


def maturity_assess(*, year: FinancialYear, answered_by: User, answers: dict[str, tuple[int, str]]) -> list[MaturityScore]:
    """The officer's borough's self-assessment for a year: every dimension a score 1–5 and its evidence.

    Answering again in the same year replaces the borough's scores."""
    if not can_self_assess(answered_by):
        raise ValidationError("Only an approved officer of a borough can answer its maturity self-assessment.")
    errors: dict[str, list[str]] = {}
    for dimension, label in MaturityDimension.choices:
        if dimension not in answers:
            errors.setdefault(f"score_{dimension}", []).append(f"Choose a score from 1 to 5 for {label}.")
            continue
        score, _ = answers[dimension]
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            errors.setdefault(f"score_{dimension}", []).append(f"Choose a whole number from 1 to 5 for {label}, not {score!r}.")
    unknown = set(answers) - set(MaturityDimension.values)
    if unknown:
        errors.setdefault("__all__", []).append(f"Unknown dimension: {', '.join(sorted(unknown))}.")
    if errors:
        raise ValidationError(errors)
    organisation_id = officer_organisation_id(answered_by)
    assert organisation_id is not None  # can_self_assess said so
    rows = [
        MaturityScore(
            year=year,
            organisation_id=organisation_id,
            dimension=dimension,
            score=score,
            evidence=(evidence or "").strip(),
            answered_by=answered_by,
        )
        for dimension, (score, evidence) in answers.items()
    ]
    with transaction.atomic():
        # One statement; answering again (or twice at once) updates the same rows.
        MaturityScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["year", "organisation", "dimension"],
            update_fields=["score", "evidence", "answered_by", "updated_at"],
        )
    log.info("maturity-assessed who=%s organisation=%s year=%s", answered_by.email, organisation_id, year)
    return list(MaturityScore.objects.filter(year=year, organisation_id=organisation_id).order_by("dimension"))


def maturity_sharing_set(*, organisation_id: int, shared: bool, decided_by: User) -> MaturitySharing:
    """Whether the borough lets other member boroughs see its maturity scores. Only its own officers decide."""
    if officer_organisation_id(decided_by) != organisation_id:
        raise ValidationError("Only the borough's own officers decide whether its maturity scores are shared.")
    with transaction.atomic():
        sharing, _ = MaturitySharing.objects.select_for_update().get_or_create(organisation_id=organisation_id)
        sharing.shared, sharing.decided_by = shared, decided_by
        sharing.save()
    log.info("maturity-sharing who=%s organisation=%s shared=%s", decided_by.email, organisation_id, shared)
    return sharing
