"""Funders' agreements: the projects they fund, and exercising a funder's right to terminate."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from budget.models import FundingAgreement, Instalment, InstalmentStatus
from budget.services.years import financial_year_ensure_open
from loti.services import financial_year_get_or_create


def funding_agreement_projects_link(*, agreement: FundingAgreement, project_ids: set[int]) -> int:
    """Link the named projects to the agreement, keeping any staff linked by hand; returns how many were new."""
    with transaction.atomic():
        agreement = FundingAgreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
        missing = set(project_ids) - set(agreement.projects.values_list("pk", flat=True))
        if missing:
            agreement.projects.add(*missing)
    return len(missing)


def agreement_terminate(*, agreement: FundingAgreement, on: datetime.date, by) -> list[Instalment]:
    """Record that the funder exercised its right to terminate on `on`, and cancel the future instalments.

    Rule: the instalment of the year the termination falls in stands (the notice year is funded); every
    instalment of a later year not yet received is cancelled. Received money is never cancelled. When the
    agreement names the year in which the right may be exercised, `on` must fall within it.
    Returns the instalments cancelled. Who and when are in the history of the agreement and of each instalment.
    """
    with transaction.atomic():
        agreement = FundingAgreement.objects.select_for_update(of=("self",)).select_related("termination_year").get(pk=agreement.pk)
        if agreement.terminated_on:
            raise ValidationError(f"{agreement} was already terminated on {agreement.terminated_on:%d %B %Y}.")
        window = agreement.termination_year
        if window and not (window.start_date <= on <= window.end_date):
            raise ValidationError(
                f"{agreement}'s right to terminate may be exercised only in {window.label} "
                f"({window.start_date:%d %B %Y} to {window.end_date:%d %B %Y})."
            )
        year = financial_year_get_or_create(on=on)
        reason = f"Termination option exercised on {on.isoformat()}"
        cancelled = list(
            Instalment.objects.select_for_update(of=("self",))
            .filter(agreement=agreement, year__start_date__gt=year.end_date)
            .exclude(status__in=[InstalmentStatus.RECEIVED, InstalmentStatus.CANCELLED])
            .select_related("year")
        )
        for instalment in cancelled:
            financial_year_ensure_open(year=instalment.year, what=f"{agreement}'s instalment")
            instalment.status = InstalmentStatus.CANCELLED
            instalment._history_user = by
            instalment._change_reason = reason
            instalment.save(update_fields=["status"])
        agreement.terminated_on = on
        agreement.terminated_by = by
        agreement._history_user = by
        agreement._change_reason = reason
        agreement.save(update_fields=["terminated_on", "terminated_by"])
        return cancelled
