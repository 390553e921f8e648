"""The bulk write: every good row of a file written together, and, only if the database refuses, in halves down to
the rows it refuses, which are then named in LOTI's words. Part of the import service (run_import), inside its
transaction: a refused row makes the whole import roll back."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import DatabaseError, DataError, IntegrityError, transaction
from import_export.results import RowResult
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

if TYPE_CHECKING:
    from import_export.resources import ModelResource as _Resource  # what the mixin is mixed into
else:
    _Resource = object


def _has_history(model) -> bool:
    return bool(getattr(model._meta, "simple_history_manager_attribute", None))


class BulkWriteMixin(_Resource):
    """For a ModelResource with use_bulk: rows are kept until every row is read, then written by write_pending."""

    write_batch = 1000  # rows per INSERT/UPDATE statement
    create_instances: list  # import-export's, with use_bulk
    update_instances: list

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_pending(result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_pending(result)  # already done by bulk_create, which import-export calls first

    def write_pending(self, result) -> None:
        """Write every good row at once; the database's unique and check constraints judge them all together."""
        pending = sorted(self.update_instances + self.create_instances, key=lambda instance: instance._loti_import_row[0])
        self.create_instances, self.update_instances = [], []
        try:
            self.write_in_parts(pending, result)
        except DatabaseError as error:
            self.handle_import_error(result, error)

    def write_in_parts(self, instances: list, result) -> None:
        """Write rows together; if the database refuses, write each half, down to the single rows it refuses.

        A part the database accepts stays written (earlier rows first, as if written one by one in the file's
        order), so a few bad rows among 10,000 cost a few dozen statements, not one per row.
        """
        if not instances:
            return
        if len(instances) == 1:
            self.write_one(instances[0], result)
            return
        try:
            with transaction.atomic(using=self.get_db_connection_name()):
                updates = [instance for instance in instances if not instance._loti_import_row[2]]
                creates = [instance for instance in instances if instance._loti_import_row[2]]
                if updates:
                    self.write_updates(updates)
                if creates:
                    self.write_creates(creates)
        except (IntegrityError, DataError):
            for instance in instances:
                if instance._loti_import_row[2]:  # the rolled-back INSERT gave it an id
                    instance.pk = None
                    instance._state.adding = True
            middle = len(instances) // 2
            self.write_in_parts(instances[:middle], result)
            self.write_in_parts(instances[middle:], result)

    def write_one(self, instance, result) -> None:
        """One row, with Django's unique and constraint checks first, so a refusal is said in LOTI's words."""
        number, row, is_create = instance._loti_import_row
        try:
            with transaction.atomic(using=self.get_db_connection_name()):
                self.validate_in_database(instance)
                instance.save(force_insert=is_create)
        except ValidationError as error:
            self._refuse_row(result, number, row, invalid=error)
        except (IntegrityError, DataError) as error:
            self._refuse_row(result, number, row, error=error)

    def write_creates(self, instances: list) -> None:
        model = self._meta.model
        if _has_history(model):
            # Each history row keeps the instance's _history_user and _change_reason (before_save_instance).
            bulk_create_with_history(instances, model, batch_size=self.write_batch)
        else:
            model.objects.bulk_create(instances, batch_size=self.write_batch)

    def write_updates(self, instances: list) -> None:
        model = self._meta.model
        fields = sorted(
            {
                model._meta.get_field(resource_field.attribute).name
                for resource_field in self.get_import_fields()
                if resource_field.attribute and not resource_field.readonly and resource_field.column_name in self._headers
            }
        )
        if _has_history(model):
            bulk_update_with_history(instances, model, fields, batch_size=self.write_batch)
        else:
            model.objects.bulk_update(instances, fields, batch_size=self.write_batch)

    def _refuse_row(self, result, number: int, row, *, invalid: ValidationError | None = None, error: Exception | None = None) -> None:
        """Mark a row the reading passed and the database refused, as import-export marks a bad row."""
        row_result = self._row_results.get(number)
        if result is None or row_result is None:
            problem = invalid or error
            assert problem is not None  # the caller gives one of the two
            raise problem
        result.totals[row_result.import_type] -= 1
        if invalid is not None:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = invalid
            result.append_invalid_row(number, row, invalid)
        else:
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(self.get_error_result_class()(error, row=row, number=number))
            result.append_error_row(number, row, row_result.errors)
        result.totals[row_result.import_type] += 1
