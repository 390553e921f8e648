"""load_reference_data: LOTI's real data from the source documents, loaded once however often it runs."""

import json
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from budget.models import BudgetLine, FeeSchedule, FundingAgreement
from budget.reference import BUDGET_FILES, reference_data_load
from budget.reference import DATA_DIR as BUDGET_DATA
from budget.selectors.plan import budget_plan
from loti.models import FinancialYear
from loti.reference import ReferenceDataError, reference_sources
from members.models import Membership, Organisation
from members.reference import DATA_DIR as MEMBERS_DATA
from projects.models import Benefit, Pillar, Project, Workstream
from projects.reference import DATA_DIR as PROJECTS_DATA

pytestmark = pytest.mark.django_db

# The ONS register, in its order: E09000001 City of London, E09000002 Barking and Dagenham, ... E09000033 Westminster.
ONS_LONDON = [
    "City of London",
    "Barking and Dagenham",
    "Barnet",
    "Bexley",
    "Brent",
    "Bromley",
    "Camden",
    "Croydon",
    "Ealing",
    "Enfield",
    "Greenwich",
    "Hackney",
    "Hammersmith and Fulham",
    "Haringey",
    "Harrow",
    "Havering",
    "Hillingdon",
    "Hounslow",
    "Islington",
    "Kensington and Chelsea",
    "Kingston upon Thames",
    "Lambeth",
    "Lewisham",
    "Merton",
    "Newham",
    "Redbridge",
    "Richmond upon Thames",
    "Southwark",
    "Sutton",
    "Tower Hamlets",
    "Waltham Forest",
    "Wandsworth",
    "Westminster",
]
# Slide 5 of the Year 2 Strategy (September 2020).
SLIDE_5_MEMBERS = {
    "Barnet",
    "Brent",
    "Camden",
    "Ealing",
    "Enfield",
    "Greenwich",
    "Hackney",
    "Hammersmith and Fulham",
    "Havering",
    "Hounslow",
    "Kensington and Chelsea",
    "Kingston upon Thames",
    "Lambeth",
    "Newham",
    "Southwark",
    "Sutton",
    "Tower Hamlets",
    "Waltham Forest",
    "Westminster",
}


def all_rows() -> dict[str, list[tuple]]:
    """Every row of every table, history tables included, in a stable order."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            snapshot[table] = cursor.fetchall()
    return snapshot


def test_the_33_london_authorities_have_their_ons_gss_codes(reference_data):
    boroughs = Organisation.objects.filter(kind="london_borough").order_by("gss_code")
    assert [(o.gss_code, o.name) for o in boroughs] == [(f"E09{n:06d}", name) for n, name in enumerate(ONS_LONDON, start=1)]
    assert Organisation.objects.get(gss_code="E09000007").email_domains == ["camden.gov.uk"]
    assert all(o.email_domains and all(d.endswith(".gov.uk") for d in o.email_domains) for o in boroughs)


def test_the_gla_london_councils_and_mhclg_are_loaded_as_what_they_are(reference_data):
    kinds = dict(Organisation.objects.exclude(kind="london_borough").values_list("name", "kind"))
    assert kinds == {
        "Greater London Authority": "gla",
        "London Councils": "london_councils",
        "Ministry of Housing, Communities and Local Government": "funder",
    }
    assert Organisation.objects.get(kind="gla").email_domains == ["london.gov.uk"]
    assert Organisation.objects.get(kind="london_councils").email_domains == ["londoncouncils.gov.uk"]
    assert Organisation.objects.get(kind="funder").email_domains == ["communities.gov.uk"]


def test_members_are_the_19_boroughs_named_in_2020_and_the_two_funding_partners(reference_data):
    memberships = Membership.objects.select_related("organisation")
    core = {m.organisation.name for m in memberships if m.tier == "core"}
    partners = {m.organisation.name for m in memberships if m.tier == "funding_partner"}
    assert core == SLIDE_5_MEMBERS
    assert partners == {"Greater London Authority", "London Councils"}
    assert not memberships.filter(tier="shared_service").exists()  # no pair is named in the documents
    assert {m.start_date.isoformat() for m in memberships} == {"2019-07-15"}
    assert all(m.end_date is None and m.local_digital_declaration_signed is None for m in memberships)
    assert all("17" in m.notes for m in memberships.filter(tier="core"))  # the disagreement stays visible


def test_fee_schedules_for_the_first_three_years(reference_data):
    schedules = {(s.year.label, s.tier): (s.annual_fee, s.vat_rate) for s in FeeSchedule.objects.select_related("year")}
    expected = {}
    for year in ["2019/20", "2020/21", "2021/22"]:
        expected[(year, "core")] = (Decimal("30000.00"), Decimal("0.20"))
        expected[(year, "shared_service")] = (Decimal("22500.00"), Decimal("0.20"))
        expected[(year, "funding_partner")] = (Decimal("0.00"), Decimal("0.20"))
    assert schedules == expected


def test_the_gla_grant_is_330k_in_four_instalments_with_a_right_to_terminate_in_2020_21(reference_data):
    grant = FundingAgreement.objects.get(reference="MD2373")
    instalments = {i.year.label: i.amount for i in grant.instalments.select_related("year")}
    assert instalments == {
        "2018/19": Decimal("30000.00"),
        "2019/20": Decimal("100000.00"),
        "2020/21": Decimal("100000.00"),
        "2021/22": Decimal("100000.00"),
    }
    assert grant.instalments.aggregate(total=Sum("amount"))["total"] == Decimal("330000.00") == grant.total_amount
    assert grant.funder.kind == "gla" and grant.termination_year.label == "2020/21"
    assert grant.terminated_on is None
    assert grant.conditions.count() == 5


def test_london_councils_gives_100k_a_year_and_mhclg_funds_covid_projects_1_and_6(reference_data):
    contribution = FundingAgreement.objects.get(funder__kind="london_councils")
    assert list(contribution.instalments.values_list("year__label", "amount")) == [
        ("2019/20", Decimal("100000.00")),
        ("2020/21", Decimal("100000.00")),
        ("2021/22", Decimal("100000.00")),
    ]
    fund = FundingAgreement.objects.get(name="MHCLG C-19 Digital Fund")
    assert fund.total_amount == Decimal("0.00") and not fund.instalments.exists()  # the amount is not published
    funded = set(fund.projects.values_list("title", flat=True))
    assert funded == set(Project.objects.filter(funder=fund.funder).values_list("title", flat=True))
    assert funded == {
        "Improving the way data is exchanged between local authorities, public sector partners and the VCS",
        "Creating a Community Engagement Playbook",
    }


def test_the_strategy_pillars_areas_and_original_workstreams(reference_data):
    pillars = list(Pillar.objects.values_list("name", "previously"))
    assert pillars == [
        ("Covid Recovery", "Covid crisis response"),
        ("Developing Capabilities", "Fixing the plumbing"),
        ("Smarter London", "Internet of Things for smart street infrastructure"),
    ]
    areas = {p.name: [w.name for w in p.workstreams.order_by("position")] for p in Pillar.objects.all()}
    assert areas == {
        "Covid Recovery": ["Identifying Needs", "Responding to Needs", "Promoting Inclusion"],
        "Developing Capabilities": ["Digital Leadership & Skills", "Innovation in Procurement", "Data Collaboration"],
        "Smarter London": ["Standards", "Practice"],
    }
    assert all(w.objective for w in Workstream.objects.all()) and all(p.objective for p in Pillar.objects.all())
    original = Workstream.objects.filter(pillar__isnull=True)
    assert original.count() == 6
    assert set(original.values_list("introduced", "active")) == {("2019/20", False)}


def test_the_named_projects_with_their_boroughs_and_benefits(reference_data):
    covid = Project.objects.filter(pillar__name="Covid Recovery", year__label="2020/21")
    assert covid.count() == 6
    for title in [
        "Thirty3",
        "Digital DPIA tool",
        "City Tools",
        "Get Online London",
        "Pan-London Data-Sharing Agreements",
        "Care commons",
        "Multi-agency data platform",
        "Apprentice Hub",
        "Attack Surface Mapping pilot",
    ]:
        assert Project.objects.filter(title=title).exists(), title
    rough_sleeping = Project.objects.get(title="Rough Sleeping Insights")
    assert set(rough_sleeping.participants.values_list("organisation__name", flat=True)) == {
        "Camden",
        "Hillingdon",
        "Lambeth",
        "Westminster",
    }
    assert set(Project.objects.get(title="Care commons").participants.values_list("organisation__name", flat=True)) == {
        "Hackney",
        "Southwark",
    }
    assert set(Project.objects.get(title="Multi-agency data platform").participants.values_list("organisation__name", flat=True)) == {
        "Hounslow",
        "Brent",
    }
    # The 2024 evaluation's figures, classed as it describes them: none is a realised cashable saving.
    benefits = {(b.project.title, b.kind, b.confidence, b.amount, b.reach, b.unit) for b in Benefit.objects.select_related("project")}
    assert benefits == {
        ("Pan-London Data-Sharing Agreements", "cashable_saving", "estimated", Decimal("1400000.00"), None, ""),  # "potentially"
        ("Recruitment support", "cost_avoidance", "realised", Decimal("300000.00"), None, ""),  # "compared to market rates"
        ("Attack Surface Mapping pilot", "other", "estimated", None, None, ""),  # a break-even condition, not a saving
        # Reach in three units, never added together.
        ("Get Online London", "reach", "realised", None, 3450, "laptops and mobiles distributed to Londoners"),
        ("Get Online London", "reach", "realised", None, 45000, "SIMs given out"),
        ("Get Online London", "reach", "realised", None, 10000, "learners accessing basic digital skills"),
    }
    assert all(b.evidence.startswith("GLA") for b in Benefit.objects.all())  # each says where it comes from
    assert Project.objects.get(title="Get Online London").funder.kind == "gla"
    assert not Project.objects.filter(source="").exists()  # every project cites its document


def test_the_2020_21_budget_is_the_published_table(reference_data):
    plan = budget_plan(year=FinancialYear.objects.get(label="2020/21"))
    assert plan.income_total == Decimal("1000000.00")
    assert plan.expenditure_total == Decimal("556000.00")
    assert plan.funds_remaining == Decimal("444000.00")
    assert plan.allocation_total == Decimal("400000.00")
    assert plan.unallocated == Decimal("44000.00")
    assert [line.name for line in plan.income] == ["Borough Contributions", "GLA", "London Councils", "2019/2020 surplus"]
    assert [(line.name, line.status) for line in plan.expenditure] == [
        ("Personnel", "estimated"),
        ("Premises and overheads", "estimated"),
        ("Software & hosting", "estimated"),
        ("Design", "estimated"),
        ("Staff training", "estimated"),
        ("Meetings + Catering", "estimated"),
        ("Digital DPIA tool", "paid"),
        ("Thirty3 Platform", "paid"),
        ("LOTI website", "paid"),
        ("Innovation in Procurement", "committed"),
    ]
    assert [(line.name, line.amount, line.pillar) for line in plan.allocations] == [
        ("Covid Recovery", Decimal("200000.00"), "Covid Recovery"),
        ("Developing Capabilities", Decimal("150000.00"), "Developing Capabilities"),
        ("Smarter London", Decimal("50000.00"), "Smarter London"),
    ]
    assert plan.expenditure_by_status() == {
        "estimated": Decimal("400000.00"),
        "paid": Decimal("100000.00"),
        "committed": Decimal("56000.00"),
    }


def test_the_report_command_prints_the_published_budget(reference_data, capsys):
    call_command("report", "budget", "--year", "2020/21", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert {
        key: report[key] for key in ["year", "income_total", "expenditure_total", "funds_remaining", "allocation_total", "unallocated"]
    } == {
        "year": "2020/21",
        "income_total": "1000000.00",
        "expenditure_total": "556000.00",
        "funds_remaining": "444000.00",
        "allocation_total": "400000.00",
        "unallocated": "44000.00",
    }
    last = report["expenditure"][-1]
    assert {key: last[key] for key in ("name", "amount", "status")} == {
        "name": "Innovation in Procurement",
        "amount": "56000.00",
        "status": "committed",
    }


def test_a_second_run_changes_no_row_in_any_table(reference_data):
    before = all_rows()
    call_command("load_reference_data", verbosity=0)
    assert all_rows() == before


def test_a_second_run_restores_a_changed_figure_and_keeps_staff_additions(reference_data):
    BudgetLine.objects.filter(name="Personnel").update(amount=Decimal("1.00"))
    camden = Organisation.objects.get(gss_code="E09000007")
    camden.email_domains = ["camden.gov.uk", "camden.nhs.uk"]
    camden.save()
    call_command("load_reference_data", verbosity=0)
    assert BudgetLine.objects.get(name="Personnel").amount == Decimal("264000.00")
    assert BudgetLine.objects.get(name="Personnel").history.first().history_change_reason.startswith("Loaded from the reference data")
    assert Organisation.objects.get(gss_code="E09000007").email_domains == ["camden.gov.uk", "camden.nhs.uk"]


def test_a_bad_data_file_names_the_item_and_writes_nothing(tmp_path):
    for name in ["fees.json", "funding.json", "ledger.json", *BUDGET_FILES]:
        (tmp_path / name).write_text((BUDGET_DATA / name).read_text())
    broken = json.loads((tmp_path / BUDGET_FILES[0]).read_text())
    broken["budgets"][0]["expenditure"][0]["status"] = "spent"
    (tmp_path / BUDGET_FILES[0]).write_text(json.dumps(broken))
    with pytest.raises(ReferenceDataError) as error:
        reference_data_load(budget_dir=tmp_path)
    assert "2020/21 expenditure line 1 (Personnel)" in str(error.value)
    assert "status" in str(error.value) and "spent" in str(error.value)
    # Organisations and projects were loaded before the bad line: the one transaction undid them too.
    assert not Organisation.objects.exists() and not Project.objects.exists() and not BudgetLine.objects.exists()


def test_a_budget_line_that_does_not_add_up_to_the_published_total_is_refused(tmp_path):
    for name in ["fees.json", "funding.json", "ledger.json", *BUDGET_FILES]:
        (tmp_path / name).write_text((BUDGET_DATA / name).read_text())
    typo = json.loads((tmp_path / BUDGET_FILES[0]).read_text())
    typo["budgets"][0]["expenditure"][1]["amount"] = "89000.00"  # Premises and overheads is £98k on slide 26
    (tmp_path / BUDGET_FILES[0]).write_text(json.dumps(typo))
    with pytest.raises(ReferenceDataError, match=re.escape("expenditure £547,000.00, but the source prints £556,000.00")):
        reference_data_load(budget_dir=tmp_path)


def copy_members_data(tmp_path):
    for name in ["organisations.json", "memberships.json"]:
        (tmp_path / name).write_text((MEMBERS_DATA / name).read_text())
    return tmp_path


def test_a_membership_of_an_unknown_organisation_is_named_and_nothing_is_written(tmp_path):
    memberships = json.loads((copy_members_data(tmp_path) / "memberships.json").read_text())
    memberships["memberships"][11]["organisation"] = "Kingston"  # the strategy's spelling, not the ONS name
    (tmp_path / "memberships.json").write_text(json.dumps(memberships))
    with pytest.raises(ReferenceDataError, match=r"membership 12 \(Kingston\): no organisation is called 'Kingston'"):
        reference_data_load(members_dir=tmp_path)
    assert not Organisation.objects.exists()


def test_a_row_the_database_refuses_is_named(tmp_path):
    organisations = json.loads((copy_members_data(tmp_path) / "organisations.json").read_text())
    organisations["organisations"][1]["name"] = "City of London"  # a second authority with the first one's name
    (tmp_path / "organisations.json").write_text(json.dumps(organisations))
    with pytest.raises(ReferenceDataError, match=r"organisation 2 \(City of London\)"):
        reference_data_load(members_dir=tmp_path)


def test_every_item_in_every_data_file_cites_a_known_source():
    sources = reference_sources()
    files = [
        MEMBERS_DATA / "organisations.json",
        MEMBERS_DATA / "memberships.json",
        PROJECTS_DATA / "strategy.json",
        PROJECTS_DATA / "projects.json",
        BUDGET_DATA / "fees.json",
        BUDGET_DATA / "funding.json",
    ]
    files += [BUDGET_DATA / name for name in BUDGET_FILES]
    for path in files:
        data = json.loads(path.read_text())
        items = [item for value in data.values() if isinstance(value, list) for item in value if isinstance(item, dict)]
        assert items, path
        for item in items:
            assert item["source"]["doc"] in sources, (path.name, item)


@pytest.mark.django_db(transaction=True)
def test_the_command_runs_as_staff_run_it():
    """The real manage.py, twice, against the test database: the second run reports nothing changed."""
    env_db = connection.settings_dict
    url = f"postgres://{env_db['USER']}@{env_db['HOST']}:{env_db['PORT']}/{env_db['NAME']}"
    outputs = []
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "manage.py", "load_reference_data", "--settings=loti.settings.test"],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url},
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert "created or updated" in outputs[0]
    assert "nothing changed" in outputs[1]


def test_boroughs_named_in_a_document_have_taken_part(reference_data):
    from projects.models import Participant

    rough_sleeping = Participant.objects.filter(project__title="Rough Sleeping Insights")
    assert sorted(rough_sleeping.values_list("organisation__name", flat=True)) == ["Camden", "Hillingdon", "Lambeth", "Westminster"]
    assert not Participant.objects.filter(accepted_at__isnull=True).exists()
    assert {p.accepted_at.date().isoformat() for p in rough_sleeping} == {"2024-01-16"}


def test_income_lines_say_where_their_actuals_are_recorded(reference_data):
    from budget.models import BudgetLine

    income = {line.name: line for line in BudgetLine.objects.filter(year__label="2020/21", section="income")}
    assert income["Borough Contributions"].actuals_from == "membership_fees"
    assert income["GLA"].funding_agreement.name == "GLA grant for LOTI (MD2373)"
    assert income["London Councils"].funding_agreement.name == "London Councils contribution to LOTI"
    assert income["2019/2020 surplus"].actuals_from == "brought_forward"  # money already held: its actual is its amount
