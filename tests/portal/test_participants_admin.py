"""The project admin's participants: invitations, agreements and declines change only through the proposal services.

A staff member editing a project in the admin sees who is on it and what each said, but no field changes it; they can
record another organisation taking part (a row never invited, which the evaluation counts as taking part).
"""

from html.parser import HTMLParser

import pytest

from projects.models import Participant, ParticipantRole, ProjectStatus

from .conftest import make_project


class FormFields(HTMLParser):
    """The fields a browser would post from the admin change form, with their values."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None
        self._selected = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._selected = name, False
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, [""])

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def change_form(staff_client, project) -> dict:
    page = staff_client.get(f"/admin/projects/project/{project.pk}/change/")
    assert page.status_code == 200
    parser = FormFields()
    parser.feed(page.content.decode())
    parser.data.pop("_addanother", None), parser.data.pop("_continue", None)
    return {name: values for name, values in parser.data.items() if name != "csrfmiddlewaretoken"}


@pytest.fixture
def proposal(loti):
    return make_project(
        "Shared cyber pilot",
        lead=loti.camden,
        status=ProjectStatus.PROPOSED,
        others=[loti.hackney],
        accepted=False,
        pillar=loti.pillar,
        scored=True,
    )


def test_the_participants_inline_shows_the_answers_and_offers_no_field_to_change_them(staff_client, loti, proposal):
    page = staff_client.get(f"/admin/projects/project/{proposal.pk}/change/").content.decode()
    assert "Hackney" in page
    for field in ("accepted_at", "declined_at", "invited_at", "decline_reason", "organisation", "role"):
        assert f'name="participants-0-{field}"' not in page and f'name="participants-1-{field}"' not in page


def test_posting_an_agreement_through_the_change_form_changes_nothing(staff_client, loti, proposal):
    data = change_form(staff_client, proposal)
    hackney = Participant.objects.get(project=proposal, organisation=loti.hackney)
    # A crafted post: agree on Hackney's behalf, move it to another borough, delete it.
    rows = {data[f"participants-{i}-id"][0]: i for i in range(int(data["participants-TOTAL_FORMS"][0]))}
    row = rows[str(hackney.pk)]
    data.update(
        {
            f"participants-{row}-accepted_at_0": ["2020-05-01"],
            f"participants-{row}-accepted_at_1": ["10:00"],
            f"participants-{row}-organisation": [str(loti.camden.pk)],
            f"participants-{row}-DELETE": ["on"],
        }
    )
    response = staff_client.post(f"/admin/projects/project/{proposal.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    hackney.refresh_from_db()
    assert hackney.accepted_at is None and hackney.organisation == loti.hackney
    assert proposal.participants.count() == 2


def test_staff_record_another_borough_taking_part(staff_client, loti, proposal):
    islington = loti.islington
    data = change_form(staff_client, proposal)
    data.update({"participants-2-0-organisation": [str(islington.pk)], "participants-2-0-role": [ParticipantRole.ADOPTER]})
    response = staff_client.post(f"/admin/projects/project/{proposal.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Participant.objects.get(project=proposal, organisation=islington)
    assert added.role == ParticipantRole.ADOPTER and added.invited_at is None and added.accepted_at is None


def test_the_participant_admin_keeps_the_answers_read_only(rf, loti, proposal):
    from django.contrib import admin

    model_admin = admin.site._registry[Participant]
    request = rf.get("/admin/")
    request.user = loti.staff
    existing = Participant.objects.get(project=proposal, organisation=loti.hackney)
    editable = set(model_admin.get_form(request, existing).base_fields)
    assert editable == {"role"}
    assert set(model_admin.get_form(request, None).base_fields) == {"project", "organisation", "role"}
