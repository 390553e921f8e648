"""The admin's import: a preview first, the same per-row errors as import_data, nothing written until confirmed."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loti.models import ImportRecord
from members.models import Organisation

from .test_import_data import GOOD_ORGANISATIONS, ONE_BAD_ORGANISATION

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:members_organisation_import")
CSV_FORMAT = "0"  # the admin offers CSV then XLSX


def upload(client, content: str, name="organisations.csv"):
    return client.post(
        IMPORT_URL,
        {"import_file": SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv"), "format": CSV_FORMAT, "resource": "0"},
    )


def test_the_admin_import_shows_each_bad_row_with_its_line_and_reason_and_writes_nothing(staff_client):
    response = upload(staff_client, ONE_BAD_ORGANISATION)

    assert response.status_code == 200
    problems = [str(problem) for problem in response.context["import_problems"]]
    assert problems == ["line 4: kind: 'borough' is not one of: london_borough, gla, london_councils, funder"]
    page = response.content.decode()
    assert "Line 4: kind: &#x27;borough&#x27; is not one of: london_borough, gla, london_councils, funder" in page
    assert "Confirm import" not in page
    assert Organisation.objects.count() == 0
    assert ImportRecord.objects.count() == 0


def test_the_admin_shows_the_same_problems_as_the_command(staff_client, write_file, capsys):
    from django.core.management import CommandError, call_command

    bad = ONE_BAD_ORGANISATION + "Barnet,london_borough,E09000099,barnet\n"
    response = upload(staff_client, bad)
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "organisations", str(write_file("organisations.csv", bad)), stderr=stderr)

    admin_problems = [f"organisations.csv: {problem}" for problem in response.context["import_problems"]]
    assert admin_problems == stderr.getvalue().strip().splitlines()
    assert len(admin_problems) == 2


def test_a_good_file_is_previewed_then_written_on_confirm_and_recorded(staff_client, staff_user):
    preview = upload(staff_client, GOOD_ORGANISATIONS)

    assert preview.status_code == 200
    assert "Confirm import" in preview.content.decode()
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new", "new", "new"]
    assert Organisation.objects.count() == 0  # the preview writes nothing

    confirm = preview.context["confirm_form"]
    done = staff_client.post(reverse("admin:members_organisation_process_import"), confirm.initial)

    assert done.status_code == 302 and done.url == reverse("admin:members_organisation_changelist")
    assert Organisation.objects.count() == 3
    record = ImportRecord.objects.get()
    assert (record.via, record.imported_by, record.filename, record.rows_new) == ("admin", staff_user, "organisations.csv", 3)


def test_the_confirm_step_writes_nothing_if_the_data_changed_since_the_preview(staff_client):
    preview = upload(staff_client, GOOD_ORGANISATIONS.replace("Greater London Authority,gla,,", "Greater London Authority,gla,E09000001,"))
    Organisation.objects.create(name="City of London", slug="city", kind="london_borough", gss_code="E09000001")

    done = staff_client.post(reverse("admin:members_organisation_process_import"), preview.context["confirm_form"].initial, follow=True)

    messages = [str(message) for message in done.context["messages"]]
    assert any("Nothing was imported" in message for message in messages)
    assert any(message.startswith("line 4: gss_code:") for message in messages)
    assert Organisation.objects.count() == 1
    assert ImportRecord.objects.count() == 0


def test_the_admin_imports_an_xlsx_workbook(staff_client):
    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(GOOD_ORGANISATIONS)):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    upload_file = SimpleUploadedFile("organisations.xlsx", buffer.getvalue())
    preview = staff_client.post(IMPORT_URL, {"import_file": upload_file, "format": "1", "resource": "0"})
    assert "Confirm import" in preview.content.decode()

    staff_client.post(reverse("admin:members_organisation_process_import"), preview.context["confirm_form"].initial)

    assert Organisation.objects.get(name="Hackney").email_domains == ["hackney.gov.uk", "learning.hackney.gov.uk"]


@pytest.mark.parametrize(
    "model_admin_url, kind",
    [
        ("admin:members_organisation", "organisations"),
        ("admin:members_membership", "memberships"),
        ("admin:budget_feeschedule", "fee-schedules"),
        ("admin:budget_budgetline", "budget-lines"),
        ("admin:projects_project", "projects"),
        ("admin:projects_participant", "participants"),
        ("admin:projects_surveyresponse", "survey-responses"),
        ("admin:projects_benefit", "benefits"),
        ("admin:members_system", "systems"),
        ("admin:members_maturityscore", "maturity"),
        ("admin:projects_engagement", "engagements"),
    ],
)
def test_each_spreadsheet_kind_has_a_downloadable_template_linked_from_its_changelist(staff_client, model_admin_url, kind):
    from loti.imports import resource_for

    template_url = reverse(f"{model_admin_url}_import_template")
    changelist = staff_client.get(reverse(f"{model_admin_url}_changelist")).content.decode()
    assert template_url in changelist and "Download CSV template" in changelist
    assert reverse(f"{model_admin_url}_import") in changelist

    response = staff_client.get(template_url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{kind}-template.csv"' in response["Content-Disposition"]
    header, example = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == resource_for(kind).columns()
    assert any(example)


def test_an_officer_without_staff_rights_cannot_reach_the_import_or_template(client, django_user_model):
    officer = django_user_model.objects.create_user(username="o", email="o@camden.gov.uk", password="x" * 12)
    client.force_login(officer)
    for url in [IMPORT_URL, reverse("admin:members_organisation_import_template")]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_staff_without_rights_on_the_model_cannot_import_or_export_it(client, django_user_model):
    from django.contrib.auth.models import Permission

    clerk = django_user_model.objects.create_user(username="clerk", email="clerk@loti.london", password="x" * 12, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client.force_login(clerk)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(reverse("admin:members_organisation_import_template")).status_code == 403
    assert client.get(reverse("admin:members_organisation_export")).status_code == 200
    assert "Download CSV template" not in client.get(reverse("admin:members_organisation_changelist")).content.decode()
    assert upload(client, GOOD_ORGANISATIONS).status_code == 403
    assert Organisation.objects.count() == 0


def test_a_file_that_cannot_be_read_gets_the_reason_on_the_form(staff_client):
    response = staff_client.post(
        IMPORT_URL,
        {
            "import_file": SimpleUploadedFile("o.csv", "name,kind\nTower Hamlets £,funder\n".encode("latin-1")),
            "format": CSV_FORMAT,
            "resource": "0",
        },
    )
    assert "not UTF-8" in response.content.decode()


def test_admin_imports_record_who_changed_the_money(staff_client, staff_user):
    content = "year,tier,annual_fee,vat_rate\n2020/21,core,52500.00,0.20\n"
    preview = staff_client.post(
        reverse("admin:budget_feeschedule_import"),
        {"import_file": SimpleUploadedFile("fees.csv", content.encode()), "format": CSV_FORMAT, "resource": "0"},
    )
    staff_client.post(reverse("admin:budget_feeschedule_process_import"), preview.context["confirm_form"].initial)

    from budget.models import FeeSchedule

    change = FeeSchedule.history.get()
    assert (change.history_user, change.history_change_reason, change.annual_fee) == (
        staff_user,
        "Imported from fees.csv",
        Decimal("52500.00"),
    )
