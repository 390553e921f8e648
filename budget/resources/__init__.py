"""The budget app's spreadsheet kinds, one module per business area; importing a module registers its kinds."""

from . import fees, grants, plan  # noqa: F401
