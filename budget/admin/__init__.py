"""The budget app's admin, one module per business area."""

from . import fees, grants, plan, reports  # noqa: F401
