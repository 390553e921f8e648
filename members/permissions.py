"""Who may see and change what, for people and organisations. Views, templates and the admin all ask here."""

from django.db.models import QuerySet


def officer_organisation_id(user) -> int | None:
    """The organisation a signed-in officer speaks for, once LOTI staff approved them; otherwise None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.organisation_id and user.organisation_approved_at:
        return user.organisation_id
    return None


def is_officer(user) -> bool:
    return officer_organisation_id(user) is not None


def is_pending_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.organisation_id and not user.organisation_approved_at)


def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def organisation_scope(user, queryset: QuerySet, field: str = "organisation") -> QuerySet:
    """Rows private to an organisation (invoices, payments, benefits): staff see all, an officer their own, others none."""
    if is_staff(user):
        return queryset
    organisation_id = officer_organisation_id(user)
    if organisation_id is None:
        return queryset.none()
    return queryset.filter(**{f"{field}_id": organisation_id})


def can_approve_officers(user) -> bool:
    return is_staff(user)
