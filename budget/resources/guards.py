"""Imports refuse every row for a closed financial year, even one that would change nothing (docs/money.md)."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from budget.models import YearClosing
from budget.services.years import year_closed_message

if TYPE_CHECKING:
    from import_export.resources import ModelResource as _Resource  # what the guard is mixed into
else:
    _Resource = object


class ClosedYearGuard(_Resource):
    """Mixed into a LotiResource: before a row is compared or written, a row of a closed year is an error.

    closed_year_column: the attribute whose column the error names. year_of(instance) gives the row's year id.
    The closed years are read once per file.
    """

    closed_year_column = "year"
    closed_year_what = "its rows"

    def year_of(self, instance) -> int | None:
        return instance.year_id

    _closed_year_labels: dict[int, str] | None

    def _closed_years(self) -> dict[int, str]:
        labels = getattr(self, "_closed_year_labels", None)
        if labels is None:
            labels = self._closed_year_labels = dict(YearClosing.objects.filter(closed=True).values_list("year_id", "year__label"))
        return labels

    def before_import(self, dataset, **kwargs):
        self._closed_year_labels = None
        super().before_import(dataset, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not import_validation_errors:
            year_id = self.year_of(instance)
            label = None if year_id is None else self._closed_years().get(year_id)
            if label is not None:
                from loti.models import FinancialYear

                raise ValidationError(
                    {self.closed_year_column: year_closed_message(year=FinancialYear(label=label), what=self.closed_year_what)}
                )
        return super().skip_row(instance, original, row, import_validation_errors)
