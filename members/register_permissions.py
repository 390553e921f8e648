"""Who may see and keep the technology and contracts register and the maturity self-assessment.

The register is shared among members: every approved officer (and staff) sees every borough's register;
only a borough's own officers change its entries in the portal (staff keep it in the admin). The public
sees only what contract transparency already publishes. Maturity scores are a borough's own: others see
them only once that borough has agreed to share.
"""

from .permissions import is_staff, officer_organisation_id


def can_see_register(user) -> bool:
    return is_staff(user) or officer_organisation_id(user) is not None


def can_keep_register(user, organisation_id: int) -> bool:
    return officer_organisation_id(user) == organisation_id


def can_mark_interest(user) -> bool:
    return officer_organisation_id(user) is not None


def can_see_interest(user) -> bool:
    """Who is interested in a joint procurement is for LOTI staff, who bring the boroughs together."""
    return is_staff(user)


def can_self_assess(user) -> bool:
    return officer_organisation_id(user) is not None
