"""Panel pages: list, a panel (terms, members, meetings), a meeting (attendance, quorum,
agenda, outcomes, minutes) and the arrangements review; query counts at two sizes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assure.core import clock
from assure.core.models import DomainEvent
from assure.decisions import services as decisions
from assure.panels import services
from assure.panels.models import Outcome, PanelMember
from assure.people.roles import Role
from tests.factories import ChildFactory, UserFactory

DAY = dt.date(2026, 3, 10)


@pytest.fixture
def on_meeting_day():
    with clock.frozen_at(DAY):
        yield


def test_hold_a_meeting_and_record_an_outcome_through_the_pages(
    panel, lead, seats, client, on_meeting_day
):
    child = ChildFactory(child_id="PAGE1")
    client.force_login(lead)
    detail = reverse("panels:detail", args=["permanence-panel"])
    page = client.get(detail)
    assert b"Permanence panel" in page.content
    assert b"The chair, a legal adviser and at least one other member present" in page.content
    newbie = UserFactory(username="newbie", roles=[Role.PANEL_MEMBER])
    client.post(
        detail,
        {
            "action": "member",
            "member-user": newbie.pk,
            "member-panel_role": "member",
            "member-from_date": "2026-03-10",
        },
    )
    assert PanelMember.objects.filter(user=newbie, panel=panel).exists()
    response = client.post(
        detail,
        {
            "action": "meeting",
            "meeting-date": "2026-03-10",
            "meeting-attendees": [seats["chair"].pk, seats["adviser"].pk, seats["member1"].pk],
        },
    )
    meeting_url = response.url
    client.post(
        meeting_url,
        {
            "action": "item",
            "item-child_id": "PAGE1",
            "item-question": "Is SGO right?",
            "item-paper_url": "https://cms.example/p/1",
            "item-paper_title": "Assessment",
        },
    )
    page = client.get(meeting_url)
    assert page.context["quorum"].quorate
    [item] = page.context["items"]
    assert item.child == child and item.papers == [
        {"title": "Assessment", "url": "https://cms.example/p/1"}
    ]
    assert b"Record an outcome" not in page.content  # the lead is not the chair
    client.force_login(seats["chair"])
    assert b"Record an outcome" in client.get(meeting_url).content
    client.post(
        meeting_url,
        {
            "action": "outcome",
            "item": item.pk,
            "outcome-recommendation": "defer",
            "outcome-action": "Complete the contact plan",
            "outcome-owner": lead.username,  # picked from a list of people
        },
    )
    outcome = Outcome.objects.get()
    assert outcome.actions == [{"action": "Complete the contact plan", "owner": lead.display_name}]
    client.post(meeting_url, {"action": "minutes", "minutes-minutes": "Deferred for contact."})
    assert b"Deferred for contact." in client.get(meeting_url).content
    # The child's history says the meeting's day in words, not as 2026-03-10.
    summaries = set(DomainEvent.objects.filter(child=child).values_list("summary", flat=True))
    assert "Put to Permanence panel on 10 March 2026" in summaries
    assert "Permanence panel on 10 March 2026: Defer" in summaries


def test_outcome_form_refused_at_a_non_quorate_meeting(panel, lead, seats, client, on_meeting_day):
    meeting = services.meeting_create(
        panel=panel, date=DAY, attendees=[seats["chair"], seats["adviser"]], actor=lead
    )
    item = services.agenda_item_add(meeting=meeting, child=ChildFactory(), actor=lead, question="?")
    client.force_login(seats["chair"])
    url = reverse("panels:meeting", args=[meeting.pk])
    response = client.post(
        url,
        {
            "action": "outcome",
            "item": item.pk,
            "outcome-recommendation": "support",
        },
    )
    assert b"not quorate" in response.content
    assert not Outcome.objects.exists()


def test_no_outcome_form_at_a_meeting_that_was_not_quorate(
    panel, lead, seats, client, on_meeting_day
):
    """The chair is not offered a form the service would refuse; the warning says what was
    missing, and recording the attendance that makes a quorum brings the form back."""
    meeting = services.meeting_create(
        panel=panel, date=DAY, attendees=[seats["chair"], seats["member1"]], actor=lead
    )
    services.agenda_item_add(meeting=meeting, child=ChildFactory(), actor=lead, question="?")
    client.force_login(seats["chair"])
    url = reverse("panels:meeting", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "No outcome can be recorded: the meeting was not quorate. Missing: a legal adviser." in (
        page
    )
    assert "Record an outcome" not in page
    assert 'value="outcome"' not in page
    meeting.attendees.add(seats["adviser"])
    page = client.get(url).content.decode()
    assert "No outcome can be recorded" not in page
    assert "Record an outcome" in page


def test_practitioner_may_not_see_panels(world_practitioner, client):
    client.force_login(world_practitioner)
    assert client.get(reverse("panels:list")).status_code == 403
    assert client.get(reverse("panels:review")).status_code == 403


@pytest.fixture
def world_practitioner(db):
    return UserFactory(username="sw", roles=[Role.PRACTITIONER])


def test_arrangements_review(panel, lead, seats, client):
    gateway = panel.__class__.objects.get(slug="legal-gateway")
    with clock.frozen_at(dt.date(2025, 1, 1)):
        services.panel_member_add(
            panel=gateway,
            user=seats["chair"],
            panel_role="member",
            actor=lead,
            from_date=dt.date(2025, 1, 1),
        )
    lax = services.terms_revise(
        panel=panel, actor=lead, purpose="Lax", quorum_requires_legal_adviser=False
    )
    assert lax.version == 2
    child = ChildFactory(child_id="REV1")
    thin = services.meeting_create(panel=panel, date=DAY, attendees=[seats["chair"]], actor=lead)
    full = services.meeting_create(
        panel=panel, date=DAY, attendees=[seats["chair"], seats["member1"]], actor=lead
    )
    for _ in range(2):
        item = services.agenda_item_add(meeting=full, child=child, actor=lead, question="?")
        services.outcome_record(item=item, recommendation="defer", actor=seats["chair"])
    client.force_login(lead)
    report = client.get(reverse("panels:review")).context["report"]
    assert [r["user"] for r in report.several_panels] == [seats["chair"]]
    assert [r["meeting"] for r in report.non_quorate] == [thin]
    assert len(report.no_legal_adviser) == 2
    assert report.deferred_twice == [{"child_id": "REV1", "proposal_id": None, "times": 2}]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _grow(panel, lead, seats, n):
    for _ in range(n):
        meeting = services.meeting_create(
            panel=panel,
            date=DAY,
            attendees=[seats["chair"], seats["adviser"], seats["member1"]],
            actor=lead,
        )
        item = services.agenda_item_add(
            meeting=meeting, child=ChildFactory(), actor=lead, question="?"
        )
        services.outcome_record(item=item, recommendation="defer", actor=seats["chair"])
        # And a proposal, so that who has a part in it is worked out for each page.
        child = ChildFactory()
        proposal = decisions.proposal_create(
            child=child,
            decision_type="sgo_care_plan",
            proposed_plan="SGO",
            rationale="Settled",
            actor=lead,
        )
        item = services.agenda_item_add(meeting=meeting, child=child, proposal=proposal, actor=lead)
        services.outcome_record(item=item, recommendation="support", actor=seats["chair"])
        # And one awaiting a panel, for the agenda's list of proposals to choose from.
        decisions.proposal_create(
            child=ChildFactory(),
            decision_type="sgo_care_plan",
            proposed_plan="SGO",
            rationale="Settled",
            actor=lead,
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [("list", 11), ("detail", 18), ("meeting", 20), ("review", 21)],
)
def test_query_counts_do_not_grow(panel, lead, seats, client, name, expected, on_meeting_day):
    # Two of each, so that the meeting's agenda has a proposal supported elsewhere to weigh
    # (a prefetch runs only when there are rows to prefetch for).
    _grow(panel, lead, seats, 2)
    first = panel.meetings.order_by("pk").first()
    url = {
        "list": reverse("panels:list"),
        "detail": reverse("panels:detail", args=[panel.slug]),
        "meeting": reverse("panels:meeting", args=[first.pk]),
        "review": reverse("panels:review"),
    }[name]
    client.force_login(lead)
    small = _count(client, url)
    _grow(panel, lead, seats, 8)
    if name == "meeting":
        for _ in range(5):
            services.agenda_item_add(meeting=first, child=ChildFactory(), actor=lead, question="?")
    large = _count(client, url)
    assert small == large == expected


def test_a_chair_may_not_record_an_outcome_for_a_child_they_may_not_see(
    panel, lead, seats, client, on_meeting_day
):
    """A restricted child on the agenda is hidden from a chair not on its access list; posting
    that item's id (page or API) records nothing and tells nothing."""
    from assure.panels.models import AgendaItem
    from tests.api import bearer

    hidden = ChildFactory(child_id="HID1", restricted=True)
    meeting = services.meeting_create(
        panel=panel,
        date=DAY,
        attendees=[seats["chair"], seats["adviser"], seats["member1"]],
        actor=lead,
    )
    item = services.agenda_item_add(meeting=meeting, child=hidden, question="?", actor=lead)
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    client.force_login(seats["chair"])
    url = reverse("panels:meeting", args=[meeting.pk])
    page = client.post(
        url,
        {
            "action": "outcome",
            "item": item.pk,
            "outcome-recommendation": "defer",
            "outcome-action": "Complete the contact plan",
            "outcome-owner": lead.username,  # picked from a list of people
        },
    )
    assert page.status_code == 200  # not the redirect of an outcome recorded
    response = client.post(
        f"/api/v1/panel-items/{item.pk}/outcome",
        {"recommendation": "defer"},
        content_type="application/json",
        **bearer(seats["chair"]),
    )
    assert response.status_code == 404
    assert not Outcome.objects.exists()


def _named(seats):
    """Names whose order differs from the usernames', the roles' codes' and the rows'."""
    names = {
        "chair": ("Zoe", "Zimmer"),
        "adviser": ("Yusuf", "Young"),
        "member1": ("Alan", "Wood"),
        "member2": ("Beth", "Abbott"),
        "indie": ("Cara", "Morris"),
    }
    for username, (first, last) in names.items():
        seats[username].first_name, seats[username].last_name = first, last
        seats[username].save(update_fields=["first_name", "last_name"])
    # The chair, the legal adviser, then the members (independent or not) by surname.
    return [seats[u].pk for u in ("chair", "adviser", "member2", "indie", "member1")]


def _checkbox_order(html, name):
    import re

    return [int(v) for v in re.findall(rf'name="{name}" id="[^"]+" value="(\d+)"', html)]


def test_who_attended_lists_the_chair_the_adviser_then_members_by_name(
    panel, lead, seats, client, on_meeting_day
):
    order = _named(seats)
    meeting = services.meeting_create(panel=panel, date=DAY, attendees=[], actor=lead)
    client.force_login(lead)
    html = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert _checkbox_order(html, "attendance-attendees") == order
    html = client.get(reverse("panels:detail", args=["permanence-panel"])).content.decode()
    assert _checkbox_order(html, "meeting-attendees") == order
    members_table = html.split('data-testid="members"')[1].split("</table>")[0]
    people = sorted(seats.values(), key=lambda u: members_table.index(u.display_name))
    assert [u.pk for u in people] == order
