"""import_data and export_data as staff use them: all rows or none, clear reasons, same file twice changes nothing."""

import datetime
import io
import os
import re
import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from budget.models import BudgetLine, FeeSchedule
from loti.imports import importable_kinds, resource_for
from loti.models import FinancialYear, ImportRecord
from members.models import Membership, Organisation
from projects.models import Benefit, Participant, Project, SurveyResponse

from . import conftest as make

pytestmark = pytest.mark.django_db

GOOD_ORGANISATIONS = """name,kind,gss_code,email_domains
Camden,london_borough,E09000007,camden.gov.uk
Hackney,london_borough,E09000012,"hackney.gov.uk, learning.hackney.gov.uk"
Greater London Authority,gla,,london.gov.uk
"""

# Line 4 names a kind that does not exist; the other rows are good.
ONE_BAD_ORGANISATION = """name,kind,gss_code,email_domains
Camden,london_borough,E09000007,camden.gov.uk
Hackney,london_borough,E09000012,"hackney.gov.uk, learning.hackney.gov.uk"
Islington,borough,E09000019,islington.gov.uk
Greater London Authority,gla,,london.gov.uk
"""


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=out, stderr=err)
    return failure.value, err.getvalue()


def test_one_bad_row_among_good_ones_writes_nothing_and_names_the_line_and_reason(write_file):
    path = write_file("organisations.csv", ONE_BAD_ORGANISATION)

    failure, stderr = run_failing("import_data", "organisations", str(path))

    assert failure.returncode == 1
    assert "nothing was imported" in str(failure)
    assert "line 4: kind: 'borough' is not one of: london_borough, gla, london_councils, funder" in stderr
    assert "line 2" not in stderr and "line 3" not in stderr and "line 5" not in stderr
    assert Organisation.objects.count() == 0
    assert ImportRecord.objects.count() == 0


def test_the_command_exits_non_zero_from_the_shell(write_file):
    """The real process: exit status and stderr as a script or CI sees them (nothing committed either)."""
    path = write_file("organisations.csv", ONE_BAD_ORGANISATION)
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_data", "organisations", str(path), "--settings=loti.settings.test"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode != 0
    assert "line 4: kind: 'borough' is not one of" in result.stderr
    assert Organisation.objects.count() == 0


def test_the_fixed_file_imports_every_row_and_records_the_import(write_file):
    path = write_file("organisations.csv", ONE_BAD_ORGANISATION.replace("Islington,borough", "Islington,london_borough"))

    stdout, _ = run("import_data", "organisations", str(path))

    assert "4 new, 0 updated, 0 unchanged" in stdout
    assert sorted(Organisation.objects.values_list("name", flat=True)) == ["Camden", "Greater London Authority", "Hackney", "Islington"]
    hackney = Organisation.objects.get(name="Hackney")
    assert hackney.email_domains == ["hackney.gov.uk", "learning.hackney.gov.uk"]
    assert hackney.slug == "hackney"
    assert Organisation.objects.get(name="Greater London Authority").gss_code is None
    record = ImportRecord.objects.get()
    assert (record.kind, record.filename, record.via, record.rows_new) == ("organisations", "organisations.csv", "command", 4)
    assert len(record.sha256) == 64


def test_dry_run_checks_and_counts_but_writes_nothing(write_file):
    path = write_file("organisations.csv", GOOD_ORGANISATIONS)

    stdout, _ = run("import_data", "organisations", str(path), "--dry-run")

    assert "would import 3 new" in stdout
    assert Organisation.objects.count() == 0
    assert ImportRecord.objects.count() == 0


def test_dry_run_still_reports_bad_rows(write_file):
    path = write_file("organisations.csv", ONE_BAD_ORGANISATION)
    _, stderr = run_failing("import_data", "organisations", str(path), "--dry-run")
    assert "line 4: kind:" in stderr


def test_importing_the_same_file_again_changes_nothing(write_file):
    path = write_file("organisations.csv", GOOD_ORGANISATIONS)
    run("import_data", "organisations", str(path))
    before = list(Organisation.objects.order_by("pk").values())

    stdout, _ = run("import_data", "organisations", str(path))

    assert "0 new, 0 updated, 3 unchanged" in stdout
    assert list(Organisation.objects.order_by("pk").values()) == before


def test_a_changed_row_updates_the_organisation_it_names(write_file):
    run("import_data", "organisations", str(write_file("a.csv", GOOD_ORGANISATIONS)))
    changed = GOOD_ORGANISATIONS.replace('"hackney.gov.uk, learning.hackney.gov.uk"', "hackney.gov.uk")

    stdout, _ = run("import_data", "organisations", str(write_file("b.csv", changed)))

    assert "0 new, 1 updated, 2 unchanged" in stdout
    assert Organisation.objects.get(name="Hackney").email_domains == ["hackney.gov.uk"]


def test_every_bad_row_is_listed_with_its_own_line_counting_blank_lines(write_file):
    path = write_file(
        "fees.csv",
        "year,tier,annual_fee,vat_rate\n"
        "2020/21,core,52500.00,0.20\n"
        "\n"
        "2020/21,shared_service,26250.5,20\n"
        "2021/22,core,1.234,0.2\n"
        "2021/22,gold,abc,0.2\n"
        "2021/22,funding_partner,0.1e3,0.2\n"
        "2020-21,core,1,0.2\n",
    )

    failure, stderr = run_failing("import_data", "fee-schedules", str(path))

    lines = stderr.strip().splitlines()
    assert lines == [
        "fees.csv: line 4: vat_rate: '20' is more than 1; write it as a fraction, e.g. 0.20 for 20%",
        "fees.csv: line 5: annual_fee: '1.234' has more than 2 decimal places",
        "fees.csv: line 6: tier: 'gold' is not one of: core, shared_service, funding_partner; annual_fee: 'abc' is not a number",
        "fees.csv: line 7: annual_fee: '0.1e3' is not a number",
        "fees.csv: line 8: year: '2020-21' is not a financial year; write it like 2020/21",
    ]
    assert "5 problems" in str(failure)
    assert FeeSchedule.objects.count() == 0
    assert not FinancialYear.objects.filter(label="2021/22").exists()


def test_a_wrong_header_is_reported_once_on_line_1(write_file):
    path = write_file("fees.csv", "year,tier,anual_fee,vat_rate\n2020/21,core,52500,0.2\n")
    _, stderr = run_failing("import_data", "fee-schedules", str(path))
    assert stderr.strip() == (
        "fees.csv: line 1: missing column: annual_fee; unknown column: anual_fee. "
        "The columns for fee-schedules are: year, tier, annual_fee, vat_rate, pro_rata"
    )


def test_the_same_key_twice_in_one_file_is_refused(write_file):
    path = write_file("fees.csv", "year,tier,annual_fee,vat_rate\n2020/21,core,52500,0.2\n2020/21,Core,50000,0.2\n")
    _, stderr = run_failing("import_data", "fee-schedules", str(path))
    assert "line 3: repeats line 2" in stderr
    assert FeeSchedule.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused_with_advice(write_file):
    path = write_file("organisations.csv", "name,kind,gss_code,email_domains\nTower Hamlets £,funder,,\n".encode("latin-1"))
    _, stderr = run_failing("import_data", "organisations", str(path))
    assert "not UTF-8" in stderr and "CSV UTF-8" in stderr


def test_money_and_years_are_read_exactly_and_a_new_year_is_created_on_first_use(write_file):
    path = write_file("fees.csv", 'year,tier,annual_fee,vat_rate,pro_rata\n2031/32,core,"£52,500.50",0.2,yes\n')
    run("import_data", "fee-schedules", str(path))
    fee = FeeSchedule.objects.get()
    assert fee.year.label == "2031/32" and fee.year.start_date == datetime.date(2031, 4, 1)
    assert fee.annual_fee == Decimal("52500.50") and fee.vat_rate == Decimal("0.2000") and fee.pro_rata is True


def test_memberships_find_their_organisation_by_name_or_gss_code_and_may_not_overlap(write_file):
    make.organisation()
    make.organisation("Hackney", "E09000012")
    good = write_file(
        "memberships.csv",
        "organisation,tier,start_date,end_date,local_digital_declaration_signed\n"
        "E09000007,core,2019-04-01,2020-03-31,2018-07-04\n"
        "camden,core,2020-04-01,,2018-07-04\n"
        "Hackney,shared_service,2020-04-01,,\n",
    )
    run("import_data", "memberships", str(good))
    assert Membership.objects.filter(organisation__name="Camden").count() == 2

    bad = write_file(
        "more.csv",
        "organisation,tier,start_date,end_date,local_digital_declaration_signed\n"
        "Camden,core,2021-04-01,,\n"
        "Barnet,core,2020-04-01,,\n"
        "Hackney,core,01/04/2021,,\n",
    )
    _, stderr = run_failing("import_data", "memberships", str(bad))
    assert "line 2: it overlaps another membership of this organisation" in stderr
    assert "line 3: organisation: there is no organisation with the name or GSS code 'Barnet'" in stderr
    assert "line 4: start_date: '01/04/2021' is not a date written YYYY-MM-DD" in stderr
    assert Membership.objects.count() == 3


def test_budget_lines_need_a_status_for_expenditure_only_and_a_pillar_for_allocations(write_file):
    make.pillar()
    path = write_file(
        "budget.csv",
        "year,section,name,amount,status,pillar\n"
        "2020/21,income,Borough contributions,850000.00,,\n"
        "2020/21,expenditure,Salaries,400000.00,,\n"
        "2020/21,income,GLA,100000.00,paid,\n"
        "2020/21,allocation,Covid Recovery,150000.00,,\n"
        "2020/21,expenditure,Events,-5.00,committed,\n"
        "2020/21,allocation,Smarter London,100000.00,,Smarter Londn\n",
    )
    _, stderr = run_failing("import_data", "budget-lines", str(path))
    assert "line 3: status: an expenditure line needs a status: one of estimated, committed, paid" in stderr
    assert "line 4: status: only expenditure lines have a status; leave it empty for income" in stderr
    assert "line 5: pillar: an allocation needs a pillar (by name)" in stderr
    assert "line 6: amount: '-5.00' is less than 0" in stderr
    assert "line 7: pillar: there is no pillar with the name 'Smarter Londn'" in stderr
    assert "line 2" not in stderr
    assert BudgetLine.objects.count() == 0

    fixed = write_file(
        "budget-fixed.csv",
        "year,section,name,amount,status,pillar\n"
        "2020/21,income,Borough contributions,850000.00,,\n"
        "2020/21,expenditure,Salaries,400000.00,committed,\n"
        "2020/21,allocation,Covid Recovery,150000.00,,covid recovery\n",
    )
    run("import_data", "budget-lines", str(fixed))
    assert [(line.section, line.name, line.position) for line in BudgetLine.objects.order_by("pk")] == [
        ("income", "Borough contributions", 1),
        ("expenditure", "Salaries", 2),
        ("allocation", "Covid Recovery", 3),
    ]


def test_an_xlsx_workbook_imports_like_a_csv_file(write_file):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["year", "section", "name", "amount", "status", "pillar"])
    sheet.append(["2020/21", "income", "Borough contributions", 850000, None, None])
    sheet.append(["2020/21", "expenditure", "Salaries", 400000.5, "committed", None])
    buffer = io.BytesIO()
    book.save(buffer)
    path = write_file("budget.xlsx", buffer.getvalue())

    stdout, _ = run("import_data", "budget-lines", str(path))

    assert "2 new" in stdout
    assert BudgetLine.objects.get(name="Salaries").amount == Decimal("400000.50")
    assert BudgetLine.objects.get(name="Borough contributions").amount == Decimal("850000.00")


def test_an_xlsx_number_with_fractions_of_a_penny_is_refused_not_rounded(write_file):
    book = openpyxl.Workbook()
    book.active.append(["year", "section", "name", "amount", "status", "pillar"])
    book.active.append(["2020/21", "income", "GLA", 1234.567, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    _, stderr = run_failing("import_data", "budget-lines", str(write_file("budget.xlsx", buffer.getvalue())))
    assert "line 2: amount: '1234.567' has more than 2 decimal places" in stderr


def test_an_unknown_kind_or_extension_is_refused(write_file):
    with pytest.raises(CommandError, match=r"Unknown kind 'borough'; choose one of: .*organisations"):
        call_command("import_data", "borough", str(write_file("a.csv", GOOD_ORGANISATIONS)))
    with pytest.raises(CommandError, match=re.escape("give a .csv or .xlsx file")):
        call_command("import_data", "organisations", str(write_file("a.txt", GOOD_ORGANISATIONS)))


@pytest.mark.parametrize("kind", importable_kinds())
def test_every_kind_imports_its_own_template_and_exports_the_same_columns(kind, strategy, write_file):
    resource = resource_for(kind)
    if not resource.example:
        pytest.fail(f"{kind} has no example row for its template")
    template = write_file(f"{kind}.csv", _csv(resource.template_dataset()))

    run("import_data", kind, str(template))
    exported, _ = run("export_data", kind)
    again, _ = run("import_data", kind, str(write_file("again.csv", exported)))

    assert exported.splitlines()[0] == ",".join(resource.columns())
    assert len(exported.strip().splitlines()) >= 2
    assert "0 new, 0 updated" in again


def _csv(dataset):
    from loti.imports import export_csv

    return export_csv(dataset)


def test_projects_participants_benefits_and_survey_answers_round_trip(strategy, write_file):
    make.organisation("Hackney", "E09000012")
    run(
        "import_data",
        "projects",
        str(write_file("p.csv", "title,status,funding_requested,is_data_project\nOpen data portal,active,1000,yes\n")),
    )
    run("import_data", "participants", str(write_file("pa.csv", "project,organisation,role\nOpen data portal,Hackney,delivery_partner\n")))
    run(
        "import_data",
        "benefits",
        str(
            write_file(
                "b.csv",
                "project,year,organisation,kind,description,amount,hours\nOpen data portal,2020/21,,cashable_saving,Licences,1500,\n",
            )
        ),
    )
    run(
        "import_data",
        "survey-responses",
        str(
            write_file(
                "s.csv",
                "year,respondent_email,organisation,workstream,rating,loti_added_value,comment\n"
                "2020/21,CIO@Hackney.gov.uk,Hackney,Data Collaboration,5,,\n",
            )
        ),
    )
    project = Project.objects.get(title="Open data portal")
    assert project.slug == "open-data-portal" and project.is_data_project and project.status == "active"
    assert Participant.objects.get(project=project).role == "delivery_partner"
    assert Benefit.objects.get(project=project).amount == Decimal("1500.00")
    answer = SurveyResponse.objects.get(organisation__name="Hackney")
    assert (answer.respondent_email, answer.rating, answer.loti_added_value) == ("cio@hackney.gov.uk", 5, None)

    for kind in ["projects", "participants", "benefits", "survey-responses"]:
        exported, _ = run("export_data", kind)
        again, _ = run("import_data", kind, str(write_file(f"{kind}-again.csv", exported)))
        assert "0 new, 0 updated" in again, (kind, again)


def test_a_survey_answer_needs_the_years_survey_and_a_rating_from_1_to_5(strategy, write_file):
    path = write_file(
        "s.csv",
        "year,respondent_email,organisation,workstream,rating,loti_added_value,comment\n"
        "2019/20,a@camden.gov.uk,Camden,Data Collaboration,4,yes,\n"
        "2020/21,b@camden.gov.uk,Camden,Data Collaboration,6,maybe,\n",
    )
    _, stderr = run_failing("import_data", "survey-responses", str(path))
    assert "line 2: year: there is no satisfaction survey for 2019/20; add it in the admin first" in stderr
    assert "line 3: rating: '6' is not a whole number from 1 to 5; loti_added_value: 'maybe' is not yes or no" in stderr


def test_export_data_filters_by_year_and_writes_to_a_file(tmp_path, write_file):
    make.pillar()
    run(
        "import_data",
        "budget-lines",
        str(
            write_file(
                "b.csv",
                "year,section,name,amount,status,pillar\n"
                "2020/21,income,Borough contributions,850000,,\n"
                "2021/22,income,Borough contributions,900000,,\n",
            )
        ),
    )
    output = tmp_path / "out.csv"

    run("export_data", "budget-lines", "--year", "2021/22", "--output", str(output))

    assert output.read_text().splitlines() == [
        "year,section,name,amount,status,pillar,actuals_from,funding_agreement",
        "2021/22,income,Borough contributions,900000.00,,,ledger,",
    ]


def test_export_data_by_year_of_memberships_keeps_those_overlapping_the_year():
    make.organisation()
    Membership.objects.create(
        organisation=make.organisation(), tier="core", start_date=datetime.date(2019, 4, 1), end_date=datetime.date(2020, 3, 31)
    )
    Membership.objects.create(organisation=make.organisation(), tier="core", start_date=datetime.date(2020, 4, 1))
    stdout, _ = run("export_data", "memberships", "--year", "2021/22")
    assert stdout.splitlines()[1:] == ["Camden,core,2020-04-01,,,"]  # ..., end_date, declaration signed, purchase_order


def test_export_data_by_year_is_refused_for_kinds_not_kept_by_year():
    with pytest.raises(CommandError, match="organisations are not kept by financial year"):
        call_command("export_data", "organisations", "--year", "2020/21")
