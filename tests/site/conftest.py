"""The site-wide tests reuse the portal's small LOTI (boroughs, officers, staff) and its browser fixtures."""
from tests.portal.conftest import (  # noqa: F401  (fixtures and helpers)
    PASSWORD,
    assert_accessible,
    browser,
    fresh_rate_limits,
    give_totp,
    loti,
    make_project,
    open_page,
    sign_in,
    staff_mfa,
)
