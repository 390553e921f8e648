from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from loti.admin import LongListMixin
from loti.import_admin import SpreadsheetAdminMixin
from loti.text import plural

from . import services
from .models import Invitation, Membership, MembershipTier, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    fields = ["tier", "start_date", "end_date", "local_digital_declaration_signed", "shared_with", "purchase_order"]
    autocomplete_fields = ["shared_with"]


class CurrentTierFilter(admin.SimpleListFilter):
    title = "membership today"
    parameter_name = "tier_today"

    def lookups(self, request, model_admin):
        return [*MembershipTier.choices, ("none", "Not a member")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        current = Membership.objects.current_on(timezone.localdate())
        if self.value() == "none":
            return queryset.exclude(pk__in=current.values("organisation"))
        return queryset.filter(pk__in=current.filter(tier=self.value()).values("organisation"))


@admin.register(Organisation)
class OrganisationAdmin(LongListMixin, SpreadsheetAdminMixin, admin.ModelAdmin):
    import_kind = "organisations"
    list_display = ["name", "kind", "gss_code", "org_id", "domains"]
    list_filter = ["kind", CurrentTierFilter]
    search_fields = ["name", "gss_code", "org_id", "email_domains"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    @admin.display(description="Email domains")
    def domains(self, obj):
        return ", ".join(obj.email_domains)


@admin.register(Membership)
class MembershipAdmin(LongListMixin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "memberships"
    list_display = ["organisation", "tier", "start_date", "end_date", "local_digital_declaration_signed", "shared_with", "purchase_order"]
    list_filter = ["tier", "organisation__kind", ("end_date", admin.EmptyFieldListFilter)]
    search_fields = ["organisation__name", "organisation__gss_code", "purchase_order"]
    autocomplete_fields = ["organisation", "shared_with"]
    list_select_related = ["organisation", "shared_with"]
    date_hierarchy = "start_date"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["email", "first_name", "last_name", "organisation", "organisation_approved_at", "is_staff"]
    list_filter = ["is_staff", "is_active", "organisation__kind"]
    search_fields = ["email", "first_name", "last_name", "organisation__name"]
    ordering = ["email"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),  # Django's own, typed as possibly None
        ("Organisation", {"fields": ["organisation", "organisation_approved_at", "job_title"]}),
    )
    actions = ["approve_officers"]

    @admin.action(description="Approve selected officers for their organisation")
    def approve_officers(self, request, queryset):
        approved = 0
        for user in queryset.filter(organisation__isnull=False, organisation_approved_at__isnull=True):
            services.officer_approve(user=user, approved_by=request.user)
            approved += 1
        self.message_user(request, f"Approved {plural(approved, 'officer')} for their organisation.", messages.SUCCESS)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "invited_by", "created_at", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["token", "invited_by", "created_at", "accepted_at"]

    def save_model(self, request, obj, form, change):
        """A new invitation is made by the service: it draws the token and emails the link."""
        if change:
            return super().save_model(request, obj, form, change)
        invitation = services.invitation_create(
            email=obj.email, organisation=obj.organisation, invited_by=request.user, site_url=request.build_absolute_uri("/")
        )
        obj.pk, obj.token, obj.created_at, obj.invited_by = invitation.pk, invitation.token, invitation.created_at, request.user
        return None


from . import register_admin  # noqa: E402,F401  the register, procurement interest and maturity
