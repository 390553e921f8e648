"""Public pages and open files from cache: the same answer for every anonymous visitor until the data changes, then
the very next request sees the change; never a signed-in person's page; a fresh CSP nonce on every response."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/projects/", "/projects/shared-tools/", "/budget/published/", "/open-data/", "/open-data/projects.csv"]


def nonce_of(response) -> tuple[str, str]:
    in_page = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    in_header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return in_page, in_header


@pytest.mark.parametrize("url", PUBLIC)
def test_anonymous_pages_come_from_cache_with_validators(grants, client, url):
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    assert first.content.replace(b"\r", b"") and first["ETag"] == second["ETag"] and second["Last-Modified"]
    assert "public" in second["Cache-Control"] and "no-cache" in second["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304


def test_each_response_has_its_own_nonce_matching_its_policy(grants, client):
    first, second = client.get("/projects/"), client.get("/projects/")
    assert second["X-Public-Cache"] == "hit"
    (page_1, header_1), (page_2, header_2) = nonce_of(first), nonce_of(second)
    assert page_1 == header_1 and page_2 == header_2 and page_1 != page_2
    assert "placeholder" not in second.content.decode()


def test_a_change_shows_on_the_next_request(grants, client, django_capture_on_commit_callbacks):
    assert "Shared tools" in client.get("/projects/").content.decode()
    assert client.get("/projects/")["X-Public-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        tools = grants["tools"]
        tools.title = "Shared tools, renamed"
        tools.save()
    page = client.get("/projects/")
    assert page["X-Public-Cache"] == "miss" and "Shared tools, renamed" in page.content.decode()
    assert "Shared tools, renamed" in client.get("/open-data/projects.csv").content.decode()


def test_rows_written_in_bulk_by_an_import_change_the_pages_too(reference_data, client, tmp_path, django_capture_on_commit_callbacks):
    assert "Cached test line" not in client.get("/budget/published/").content.decode()
    path = tmp_path / "lines.csv"
    path.write_text("year,section,name,amount,status,pillar\n2020/21,expenditure,Cached test line,1234.56,estimated,\n")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_data", "budget-lines", str(path), verbosity=0)
    page = client.get("/budget/published/").content.decode()
    assert "Cached test line" in page and "1,234.56" in page


def test_signed_in_pages_are_never_cached_or_served_from_the_cache(grants, client, staff_user):
    assert "A secret draft" not in client.get("/projects/").content.decode()  # now in the cache
    client.force_login(staff_user)
    response = client.get("/projects/")
    assert "A secret draft" in response.content.decode()  # staff see drafts: not the anonymous copy
    assert "X-Public-Cache" not in response and "private" in response["Cache-Control"]
    client.logout()
    anonymous = client.get("/projects/")
    assert "A secret draft" not in anonymous.content.decode()
