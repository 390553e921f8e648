"""LotiResource: a kind of LOTI spreadsheet, on django-import-export's ModelResource."""

import tablib
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from import_export import resources
from import_export.resources import Diff
from import_export.results import RowResult

from ..models import FinancialYear
from .bulk_write import BulkWriteMixin
from .lookups import ImportLookups, _lookups
from .natural_keys import NaturalKeyLoader
from .widgets import _text


class HeaderError(ValueError):
    """The header row is missing a column or names one the kind does not have."""


class RowDiff(Diff):
    """import-export's before/after of a row, made only when someone will see it (the admin's preview)."""

    def __init__(self, resource, instance, new):
        self.shown = getattr(resource, "show_diff", True)
        if self.shown:
            super().__init__(resource, instance, new)
        else:
            self.left, self.right, self.new = [], [], new

    def compare_with(self, resource, instance):
        if self.shown:
            super().compare_with(resource, instance)

    def as_html(self):
        return super().as_html() if self.shown else []


class LotiResource(BulkWriteMixin, resources.ModelResource):
    """A kind of LOTI spreadsheet. Subclasses declare their columns as fields, in the file's order.

    kind: set by @register. natural_key: the columns that find an existing row, so importing the same file
    again updates rather than duplicates. required_columns: columns the header must have (default: all).
    example: one example row for the admin's template. year_path: where the financial year is, for
    export --year. constraint_messages: LOTI's words for database constraints a row can break.

    How a file is read and written, so that 10,000 rows take seconds: related rows (organisations, pillars...
    by the library's CachedForeignKeyWidget; years), and the rows already held (NaturalKeyLoader) are read once
    per file; each row's
    cells and fields are checked in Python as it is read; the good rows are then written together with
    bulk_create/bulk_update (and their history), and the database's unique and check constraints judge them
    all at once. Only if the database refuses are they written in halves, down to the rows it refuses, which
    are then checked as Django would (validate_unique, validate_constraints) to say why in LOTI's words.
    """

    kind = ""
    importable = True
    required_columns: tuple[str, ...] | None = None
    example: dict[str, str] = {}
    year_path: str | None = "year"
    constraint_messages: dict[str, str] = {}
    slug_source: str | None = None  # models with a slug get one made from this field on first import
    show_diff = True  # each row's before/after for the admin's preview; run_import has no one to show it to

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        use_bulk = True  # rows are kept until every row is read, then written together (write_pending)
        batch_size = None  # ...all of them at the end, not in batches as they are read
        instance_loader_class = NaturalKeyLoader

    @classmethod
    def get_diff_class(cls):
        return RowDiff

    # -- reading ----------------------------------------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        # All or nothing whoever calls it: one bad row and every row of the file is rolled back.
        token = _lookups.set(ImportLookups())
        try:
            return super().import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=raise_errors,
                use_transactions=True,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=True,
                **kwargs,
            )
        finally:
            _lookups.reset(token)

    def get_import_fields(self):
        # import-export works this list out twice for every row; it is the same for the whole file.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @classmethod
    def columns(cls) -> list[str]:
        return [field.column_name for field in cls().get_export_fields()]

    def _column_of(self, attribute: str) -> str:
        for resource_field in self.fields.values():
            if resource_field.attribute == attribute:
                return resource_field.column_name
        return attribute

    def before_import(self, dataset, **kwargs):
        self._seen_keys: dict[tuple, int] = {}
        self._row_results: dict[int | None, RowResult] = {}  # by import-export's row_number
        self._taken_slugs: set[str] | None = None
        self._line_numbers = getattr(dataset, "line_numbers", None)
        columns = self.columns()
        headers = [str(header).strip() for header in (dataset.headers or [])]
        self._headers = set(headers)
        unknown = [header for header in headers if header and header not in columns]  # an unnamed column is ignored
        required = self.required_columns if self.required_columns is not None else columns
        missing = [column for column in required if column not in headers]
        repeated = sorted({header for header in headers if headers.count(header) > 1})
        problems = []
        if missing:
            problems.append(f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
        if repeated:
            problems.append(f"repeated column{'s' if len(repeated) > 1 else ''}: {', '.join(repeated)}")
        if problems:
            del dataset[0 : len(dataset)]  # nothing can be read without the right header
            raise HeaderError(f"{'; '.join(problems)}. The columns for {self.kind} are: {', '.join(columns)}")

    def line_for(self, row_number: int) -> int:
        lines = getattr(self, "_line_numbers", None)
        if lines and 0 < row_number <= len(lines):
            return lines[row_number - 1]
        return row_number + 1

    def before_import_row(self, row, **kwargs):
        # Two rows with the same natural key in one file are a mistake, not an update.
        key = tuple(_text(row.get(self.fields[name].column_name)).casefold() for name in self.get_import_id_fields())
        number: int = kwargs["row_number"]  # import-export numbers every row it reads
        if key in self._seen_keys:
            columns = ", ".join(self.fields[name].column_name for name in self.get_import_id_fields())
            raise ValidationError(f"repeats line {self.line_for(self._seen_keys[key])}: a file may name the same {columns} only once")
        self._seen_keys[key] = number

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        self._row_results[kwargs.get("row_number")] = row_result  # to mark it if the database refuses it later

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as error:
            # A key column cannot be read, so the row goes no further: say what is wrong with every column.
            errors = {}
            for resource_field in self.get_import_fields():
                if resource_field.column_name not in row:
                    continue
                try:
                    resource_field.clean(row)
                except ValueError as field_error:
                    errors[resource_field.attribute] = str(field_error)
            raise ValidationError(errors or str(error)) from None

    def unique_slug(self, instance, text: str) -> str:
        model = type(instance)
        max_length = model._meta.get_field("slug").max_length
        base = (slugify(text) or self.kind or "item")[:max_length]
        taken = getattr(self, "_taken_slugs", None)
        if taken is None:
            # Every slug in use, read once per import; the slugs given to this file's earlier rows are added.
            others = model.objects.exclude(pk=instance.pk) if instance.pk else model.objects.all()
            taken = self._taken_slugs = set(others.values_list("slug", flat=True))
        slug, counter = base, 1
        while slug in taken:
            counter += 1
            suffix = f"-{counter}"
            slug = base[: max_length - len(suffix)] + suffix
        taken.add(slug)
        return slug

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if self.slug_source and not instance.slug:
            instance.slug = self.unique_slug(instance, getattr(instance, self.slug_source) or "")
        errors = dict(import_validation_errors or {})
        if not errors:
            try:
                self.check_row(instance)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors or not self._meta.use_bulk:
            try:
                # A bad row (or one written on its own, not in bulk) gets the model's every check, the database's
                # included, so all its problems are said together; columns already found wrong are left out.
                super().validate_instance(instance, errors, validate_unique)
            except ValidationError as error:
                raise ValidationError(self._in_loti_words(error.message_dict)) from None
            return
        try:
            # A good row's own fields, in Python. Its unique and constraint checks are the database's, on every
            # row at once when they are written (write_pending); related rows were found by the widgets.
            instance.full_clean(exclude=self._related_rows_found(instance), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(self._in_loti_words(error.message_dict)) from None

    @staticmethod
    def _related_rows_found(instance) -> list[str]:
        # Django would check each with a query; a widget or the database gave them, so they exist.
        return [
            field.name for field in instance._meta.concrete_fields if field.is_relation and getattr(instance, field.attname) is not None
        ]

    def validate_in_database(self, instance) -> None:
        """The unique and constraint checks a good row skipped, one query each: used only to name refused rows."""
        errors: dict = {}
        for check in (instance.validate_unique, instance.validate_constraints):
            try:
                check()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(self._in_loti_words(ValidationError(errors).message_dict))

    def check_row(self, instance) -> None:
        """Rules a row must follow beyond the model's own; raise ValidationError({attribute: message})."""

    def _in_loti_words(self, message_dict: dict) -> dict:
        worded = {}
        for key, messages in message_dict.items():
            new = []
            for message in messages:
                for constraint, words in self.constraint_messages.items():
                    if constraint in message:
                        message = words
                        break
                new.append(message)
            worded[key] = new
        return worded

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.line_numbers = [self.line_for(number) for number in range(1, len(dataset) + 1)]

    # -- writing (the bulk write itself is BulkWriteMixin's) -------------------------------------------

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            instance._history_user = user
        file_name = kwargs.get("file_name")
        instance._change_reason = f"Imported from {file_name}" if file_name else "Imported"

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._loti_import_row = (kwargs.get("row_number"), row, is_create)
        super().save_instance(instance, is_create, row, **kwargs)

    # -- exporting --------------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        # export(year="2020/21") gives one year's rows, as export_data --year does.
        year = kwargs.get("year")
        if year:
            # Exporting reads: a year not held is an error, never a new year.
            from ..selectors import financial_year_for_reading

            queryset = self.filter_by_year(queryset, year if isinstance(year, FinancialYear) else financial_year_for_reading(str(year)))
        return super().filter_export(queryset, **kwargs)

    def filter_by_year(self, queryset, year: FinancialYear):
        if not self.year_path:
            raise ValueError(f"{self.kind} are not kept by financial year; export them without --year")
        return queryset.filter(**{self.year_path: year})

    @classmethod
    def template_dataset(cls) -> tablib.Dataset:
        columns = cls.columns()
        dataset = tablib.Dataset(headers=columns)
        dataset.append([cls.example.get(column, "") for column in columns])  # escaped, like every export, by the format
        return dataset
