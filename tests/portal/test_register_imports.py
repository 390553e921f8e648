"""import_data systems / maturity / engagements: all rows or none, each bad row named by its line; export_data
engagements; the engagement map loaded from the Year 2 Strategy (every name on slides 30 to 32)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from members.models import MaturityScore, System
from projects.models import Engagement
from tests.shared_folder import shared_folder

from .register_data import area


def run_import(tmp_path, kind: str, text: str):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_data", kind, str(path), stdout=out, stderr=err)
    return out.getvalue()


def refused(tmp_path, kind: str, text: str) -> str:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", kind, str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


HEADER = "organisation,service_area,product,supplier,contract_start,contract_end,annual_value\n"


def test_systems_import_by_name_or_gss_code_and_again_updates(loti, tmp_path):
    area("Revenues and benefits")
    text = HEADER + (
        'Camden,Revenues and benefits,Revs,Supplier A,2021-04-01,2026-03-31,"£120,000.00"\n'
        "E09000012,revenues and benefits,Revs,Supplier B,,2027-03-31,\n"
    )
    run_import(tmp_path, "systems", text)
    assert System.objects.count() == 2
    assert System.objects.get(organisation=loti.camden).annual_value == Decimal("120000.00")
    run_import(tmp_path, "systems", HEADER + "Camden,Revenues and benefits,Revs,Supplier C,2021-04-01,2028-03-31,1.00\n")
    camden = System.objects.get(organisation=loti.camden)
    assert System.objects.count() == 2 and camden.supplier == "Supplier C" and camden.history.count() == 2


def test_bad_systems_rows_are_refused_by_line_and_nothing_is_written(loti, tmp_path):
    area("Revenues and benefits")
    text = HEADER + (
        "Camden,Revenues and benefits,Good,Supplier,,,\n"  # line 2: good
        "Camden,Parking,Meters,Supplier,,,\n"  # line 3: unknown service area
        "Hackney,Revenues and benefits,Revs,Supplier,2025-04-01,2024-03-31,\n"  # line 4: ends before it starts
        "Islington,Revenues and benefits,Revs,Supplier,,,-5\n"  # line 5: negative value
        "Nowhere,Revenues and benefits,Revs,Supplier,,,\n"  # line 6: no such organisation
        "Hackney,Revenues and benefits,Other,,,2030-13-01,\n"  # line 7: no supplier, no such date
        "Camden,Revenues and benefits,Good,Supplier,,,\n"  # line 8: line 2 again
    )
    err = refused(tmp_path, "systems", text)
    assert not any(line.startswith("line 2:") for line in err.splitlines())
    assert "line 3: service_area: there is no service area with the name 'Parking'" in err
    assert "line 4" in err and "contract_end is before contract_start" in err
    assert "line 5" in err and "less than 0" in err
    assert "line 6: organisation: there is no organisation" in err
    assert "line 7" in err and "not a real date" in err
    assert "line 8" in err and "repeats line 2" in err
    assert not System.objects.exists()


def test_only_boroughs_have_registers(loti, tmp_path):
    from members.models import Organisation, OrganisationKind

    Organisation.objects.create(name="Greater London Authority", slug="gla", kind=OrganisationKind.GLA)
    area("Revenues and benefits")
    err = refused(tmp_path, "systems", HEADER + "Greater London Authority,Revenues and benefits,Revs,Supplier,,,\n")
    assert "line 2: organisation: Greater London Authority is not a London borough" in err


def test_maturity_import_and_its_bad_rows(loti, tmp_path):
    header = "year,organisation,dimension,score,evidence\n"
    run_import(tmp_path, "maturity", header + "2020/21,Camden,data,3,Strategy agreed\n2020/21,E09000012,ict,5,\n")
    assert MaturityScore.objects.count() == 2
    err = refused(
        tmp_path,
        "maturity",
        header
        + (
            "2020/21,Camden,data,4,Better\n"  # line 2: good (an update)
            "2020/21,Camden,money,3,\n"  # line 3: unknown dimension
            "2020/21,Hackney,ict,6,\n"  # line 4: score out of range
            "2020/2021,Islington,culture,2,\n"  # line 5: bad year
            "2020/21,Islington,culture,,\n"  # line 6: no score
        ),
    )
    assert "line 2:" not in err
    assert "line 3: dimension: 'money' is not one of: strategy, ict, adoption, data, culture" in err
    assert "line 4: score: '6' is not a whole number from 1 to 5" in err
    assert "line 5" in err and "line 6" in err
    assert MaturityScore.objects.get(organisation=loti.camden).score == 3  # nothing written


def test_engagements_import_export_and_bad_rows(loti, tmp_path, capsys):
    header = "pillar,stakeholder,mode,relationship\n"
    run_import(tmp_path, "engagements", header + "Smarter London,UCL,involve,known\nSmarter London,NCSC,Influence,known\n")
    err = refused(
        tmp_path,
        "engagements",
        header
        + (
            "Smarter London,BSI,inform,known\n"  # line 2: good
            "Nowhere,BSI,inform,known\n"  # line 3: no such pillar
            "Smarter London,BSI,consult,known\n"  # line 4: no such mode
            "Smarter London,BSI,inform,friend\n"  # line 5: no such relationship
            "Smarter London,,inform,known\n"  # line 6: no stakeholder
        ),
    )
    assert not any(line.startswith("line 2:") for line in err.splitlines())
    assert "line 3: pillar: there is no pillar with the name 'Nowhere'" in err
    assert "line 4: mode: 'consult' is not one of: inform, involve, influence" in err
    assert "line 5: relationship: 'friend' is not one of: known, new" in err
    assert "line 6" in err
    assert Engagement.objects.count() == 2
    call_command("export_data", "engagements")
    assert capsys.readouterr().out.splitlines() == [
        "pillar,stakeholder,mode,relationship",
        "Smarter London,UCL,involve,known",
        "Smarter London,NCSC,influence,known",
    ]


def slide_names(slide: int) -> list[str]:
    """Every bullet on one slide of the Year 2 Strategy, as the seed text has it."""
    seed = shared_folder() / "seeds" / "002_3504b442ac7cadd9.txt"
    text = seed.read_text(encoding="utf-8")
    start = text.index(f"\n{slide}\n\nInform")
    end = text.index(f"{slide + 1} of 32") if slide < 32 else len(text)
    return [line.strip()[1:].strip() for line in text[start:end].splitlines() if line.strip().startswith("•")]


@pytest.mark.django_db
def test_the_engagement_map_holds_every_name_on_slides_30_to_32():
    call_command("load_reference_data", verbosity=0)
    for slide, pillar in [(30, "Developing Capabilities"), (31, "Covid Recovery"), (32, "Smarter London")]:
        loaded = Engagement.objects.filter(pillar__name=pillar)
        names = slide_names(slide)
        assert len(names) == loaded.count(), f"slide {slide}: {len(names)} names, {loaded.count()} loaded"
        assert sorted(names) == sorted(loaded.values_list("stakeholder", flat=True)), slide
        assert set(loaded.values_list("source", flat=True)) == {f"LOTI Year 2 Strategy (last updated 14 September 2020), slide {slide}"}
    call_command("load_reference_data", verbosity=0)
    assert Engagement.objects.count() == 70
