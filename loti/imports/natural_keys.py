"""Natural keys: the rows a file names are found by the columns that identify them (an organisation's name, a
year and a tier...), so importing the same file again updates rather than duplicates."""

from collections import defaultdict

from django.db import models
from import_export.instance_loaders import ModelInstanceLoader

from .lookups import chunks


class NaturalKeyLoader(ModelInstanceLoader):
    """Finds the rows a file names by their natural key in one query for the whole file, not one per row.

    Each key column narrows the query (the widest, usually a name, is sent in parts); the exact match is made
    here, on the same cleaned values import-export's own loader would have passed to get().
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.model = resource._meta.model
        self.index: dict[tuple, list] | None = None

    @property
    def key_fields(self) -> list:
        return [self.resource.fields[name] for name in self.resource.get_import_id_fields()]

    @staticmethod
    def _key(values) -> tuple:
        return tuple(value.pk if isinstance(value, models.Model) else value for value in values)

    def _load(self) -> dict[tuple, list]:
        index: dict[tuple, list] = defaultdict(list)
        headers = self.dataset.headers or []
        if not self.key_fields or any(field.column_name not in headers for field in self.key_fields):
            return index
        wanted: list[set] = [set() for _ in self.key_fields]
        for cells in self.dataset:
            row = dict(zip(headers, cells, strict=False))  # tablib keeps every row as wide as its headers
            try:
                key = self._key([field.clean(row) for field in self.key_fields])
            except ValueError:
                continue  # the row is reported when it is imported
            for values, value in zip(wanted, key, strict=True):  # both one per key field
                values.add(value)
        if not all(wanted):
            return index
        attnames = [self.model._meta.get_field(field.attribute).attname for field in self.key_fields]

        def matching(attname: str, values) -> models.Q:
            present = [value for value in values if value is not None]
            q = models.Q(**{f"{attname}__in": present})
            return q | models.Q(**{f"{attname}__isnull": True}) if None in values else q

        widest = max(range(len(wanted)), key=lambda i: len(wanted[i]))
        narrow = models.Q()
        for i, (attname, values) in enumerate(zip(attnames, wanted, strict=True)):
            if i != widest:
                narrow &= matching(attname, values)
        for part in chunks(list(wanted[widest])):
            for instance in self.get_queryset().filter(narrow, matching(attnames[widest], part)):
                index[tuple(getattr(instance, attname) for attname in attnames)].append(instance)
        return index

    def get_instance(self, row):
        if self.index is None:
            self.index = self._load()
        key = self._key([field.clean(row) for field in self.key_fields])
        found = self.index.get(key, [])
        if len(found) > 1:
            raise self.model.MultipleObjectsReturned(f"{len(found)} {self.model._meta.verbose_name_plural} have this key")
        return found[0] if found else None
