"""Spreadsheet kinds for members: organisations and memberships (see docs/imports.md)."""

import re

from django.db.models import Q
from import_export.fields import Field

from loti.imports import ChoiceWidget, DateWidget, ListWidget, LotiResource, NamedWidget, TextWidget, register

from .models import ORG_ID_PATTERN, Membership, MembershipTier, Organisation, OrganisationKind


class OrganisationWidget(NamedWidget):
    """An organisation by its name or its GSS code (E09000007 is Camden)."""

    def __init__(self):
        super().__init__(Organisation, lookups=("name", "gss_code"), noun="organisation")


class GssCodeWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs).upper()
        return text or None


class EmailDomainsWidget(ListWidget):
    DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")

    def clean(self, value, row=None, **kwargs):
        domains = super().clean(value, row, **kwargs)
        for domain in domains:
            if not self.DOMAIN.match(domain):
                raise ValueError(f"{domain!r} is not an email domain; write domains like camden.gov.uk, separated by commas")
        return domains


class OrgIdWidget(TextWidget):
    """An org-id.guide identifier such as GB-LAE-CMD; empty when not known."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if text and not re.match(ORG_ID_PATTERN, text):
            raise ValueError(f"{text!r} is not an org-id: write the list code and the identifier, e.g. GB-LAE-CMD or GB-COH-01234567")
        return text


class BillingAddressWidget(TextWidget):
    """Several lines in one cell (a quoted CSV cell or a workbook cell with line breaks); blank lines dropped."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        return "\n".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())


@register("organisations")
class OrganisationResource(LotiResource):
    name = Field(attribute="name", column_name="name", widget=TextWidget())
    kind = Field(attribute="kind", column_name="kind", widget=ChoiceWidget(OrganisationKind.choices))
    gss_code = Field(attribute="gss_code", column_name="gss_code", widget=GssCodeWidget())
    email_domains = Field(attribute="email_domains", column_name="email_domains", widget=EmailDomainsWidget())
    billing_address = Field(attribute="billing_address", column_name="billing_address", widget=BillingAddressWidget())
    invoice_email = Field(attribute="invoice_email", column_name="invoice_email", widget=TextWidget())
    org_id = Field(attribute="org_id", column_name="org_id", widget=OrgIdWidget())

    required_columns = ("name", "kind")
    year_path = None
    slug_source = "name"
    example = {
        "name": "Camden",
        "kind": "london_borough",
        "gss_code": "E09000007",
        "email_domains": "camden.gov.uk",
        "billing_address": "Accounts Payable\nExample House\n1 Example Street\nLondon\nAB1 2CD",
        "invoice_email": "accounts.payable@example.org",
        "org_id": "GB-LAE-CMD",
    }
    constraint_messages = {
        "london_borough_has_gss_code": "a London borough needs its GSS code (E09000001 to E09000033)",
        "organisation_gss_code_is_london": "gss_code must be a London authority's code, E09000001 to E09000033",
        "organisation_org_id_unique": "another organisation already has this org_id",
        "organisation_org_id_form": "org_id must be an org-id such as GB-LAE-CMD",
    }

    class Meta:
        model = Organisation
        fields = ("name", "kind", "gss_code", "email_domains", "billing_address", "invoice_email", "org_id")
        import_id_fields = ("name",)


@register("memberships")
class MembershipResource(LotiResource):
    organisation = Field(attribute="organisation", column_name="organisation", widget=OrganisationWidget())
    tier = Field(attribute="tier", column_name="tier", widget=ChoiceWidget(MembershipTier.choices))
    start_date = Field(attribute="start_date", column_name="start_date", widget=DateWidget())
    end_date = Field(attribute="end_date", column_name="end_date", widget=DateWidget())
    local_digital_declaration_signed = Field(
        attribute="local_digital_declaration_signed", column_name="local_digital_declaration_signed", widget=DateWidget()
    )
    purchase_order = Field(attribute="purchase_order", column_name="purchase_order", widget=TextWidget())

    required_columns = ("organisation", "tier", "start_date", "end_date", "local_digital_declaration_signed")

    example = {
        "organisation": "E09000007",
        "tier": "core",
        "start_date": "2020-04-01",
        "end_date": "",
        "local_digital_declaration_signed": "2018-07-04",
        "purchase_order": "PO-123456",
    }
    constraint_messages = {
        "one_membership_per_organisation_at_a_time": "it overlaps another membership of this organisation; "
        "end the earlier membership first (one membership per organisation at a time)",
        "membership_ends_after_start": "end_date is before start_date",
    }

    class Meta:
        model = Membership
        fields = ("organisation", "tier", "start_date", "end_date", "local_digital_declaration_signed", "purchase_order")
        import_id_fields = ("organisation", "start_date")

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def filter_by_year(self, queryset, year):
        # A membership belongs to every year it overlaps.
        return queryset.filter(start_date__lte=year.end_date).filter(Q(end_date__isnull=True) | Q(end_date__gte=year.start_date))
