"""Panels that hold (issue 14 item 5), each rule refused in the service, the page and the API:
a person with a part in a proposal neither chairs nor counts for its item; attendance and
outcomes only on or after the meeting's day; seats never back-dated; proposals picked from
those awaiting a panel; labels in words; meetings latest first; the review's link only for
those who may open it; and the review lists a conflict that slipped through."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assure.audits.models import Audit, AuditTemplate, Grade, OverallGrade
from assure.core import clock
from assure.decisions import services as decisions
from assure.panels import services
from assure.panels.models import Meeting, Outcome, Panel, PanelMember
from assure.people.roles import Role
from tests.api import bearer
from tests.factories import ChildFactory, TeamFactory, UserFactory

TODAY = dt.date(2026, 6, 1)
JOINED = dt.date(2025, 1, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def world(db):
    team = TeamFactory(name="North")
    child = ChildFactory(child_id="C1", first_name="Ava", last_name="Stone", team=team)
    people = {
        "sw": UserFactory(username="sw", roles=[Role.PRACTITIONER], teams=[team]),
        "tm": UserFactory(username="tm", roles=[Role.TEAM_MANAGER], teams=[team]),
        "lead": UserFactory(
            username="lead", roles=[Role.ASSURANCE_LEAD], first_name="Lena", last_name="Hart"
        ),
        "auditor": UserFactory(username="auditor", roles=[Role.AUDITOR]),
        "director": UserFactory(username="director", roles=[Role.DIRECTOR]),
    }
    panel = Panel.objects.get(slug="permanence-panel")
    for name, role in [("chair", "chair"), ("adviser", "legal_adviser"), ("m1", "member")]:
        people[name] = UserFactory(username=name, roles=[Role.PANEL_MEMBER])
        with clock.frozen_at(JOINED):
            services.panel_member_add(
                panel=panel, user=people[name], panel_role=role, actor=people["lead"]
            )
    proposal = decisions.proposal_create(
        child=child,
        decision_type="sgo_care_plan",
        proposed_plan="SGO to the grandmother",
        rationale="Settled for two years",
        actor=people["sw"],
    )
    proposal = decisions.proposal_submit(proposal=proposal, actor=people["sw"])
    proposal = decisions.proposal_decide(proposal=proposal, decision="approve", actor=people["tm"])
    return {"child": child, "panel": panel, "proposal": proposal, **people}


def _meeting(world, *, date=TODAY, attendees=("chair", "adviser", "m1")):
    return services.meeting_create(
        panel=world["panel"],
        date=date,
        attendees=[world[name] for name in attendees] if date <= TODAY else [],
        actor=world["lead"],
    )


def _item(world, meeting):
    return services.agenda_item_add(
        meeting=meeting, child=world["child"], proposal=world["proposal"], actor=world["lead"]
    )


def _seat(world, name, role):
    with clock.frozen_at(JOINED):
        services.panel_member_add(
            panel=world["panel"], user=world[name], panel_role=role, actor=world["lead"]
        )


def _post(client, url, user, body, method="post"):
    return getattr(client, method)(url, body, content_type="application/json", **bearer(user))


def _close_audit(child, auditor):
    closed = clock.now() - dt.timedelta(days=10)
    audit = Audit.objects.create(
        child=child,
        template=AuditTemplate.objects.first(),
        mode="paper",
        auditor=auditor,
        status="closed",
        created_at=closed - dt.timedelta(days=5),
        closed_at=closed,
    )
    OverallGrade.objects.create(
        audit=audit, grade=Grade.objects.get(slug="good"), given_by=auditor, given_at=closed
    )
    return audit


# --- a part in the proposal ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["sw", "tm", "auditor"])
def test_a_person_with_a_part_may_not_chair_its_item(world, client, who):
    """The proposer, an approver and the auditor of its gate audit, seated as a second
    chair: refused in the service, the page (no form, a refusal) and the API (403)."""
    _close_audit(world["child"], world["auditor"])
    world[who].roles.create(role=Role.PANEL_MEMBER)
    world[who].__dict__.pop("role_slugs", None)
    _seat(world, who, "chair")
    meeting = _meeting(world, attendees=("chair", "adviser", "m1", who))
    item = _item(world, meeting)
    with pytest.raises(PermissionDenied, match="does not chair or vote on its item"):
        services.outcome_record(item=item, recommendation="support", actor=world[who])

    client.force_login(world[who])
    url = reverse("panels:meeting", args=[meeting.pk])
    page = client.get(url)
    assert page.context["outcome_items"] == []
    assert "You have a part in the proposal of Ava Stone (C1)" in page.content.decode()
    posted = client.post(
        url, {"action": "outcome", "item": item.pk, "outcome-recommendation": "support"}
    )
    assert "does not chair or vote on its item" in posted.content.decode()

    answer = _post(
        client, f"/api/v1/panel-items/{item.pk}/outcome", world[who], {"recommendation": "support"}
    )
    assert answer.status_code == 403 and "part in a proposal" in answer.json()["detail"]
    assert not Outcome.objects.exists()
    # The chair without a part records it.
    services.outcome_record(item=item, recommendation="support", actor=world["chair"])


def test_a_person_with_a_part_does_not_count_for_its_item(world, client):
    """The approver sits as the only other member: the meeting is quorate, the item not."""
    world["tm"].roles.create(role=Role.PANEL_MEMBER)
    world["tm"].__dict__.pop("role_slugs", None)
    _seat(world, "tm", "member")
    meeting = _meeting(world, attendees=("chair", "adviser", "tm"))
    assert services.meeting_quorum(meeting).quorate
    item = _item(world, meeting)
    with pytest.raises(services.NotQuorate, match="Not counted, for their part in the propos"):
        services.outcome_record(item=item, recommendation="support", actor=world["chair"])
    answer = _post(
        client,
        f"/api/v1/panel-items/{item.pk}/outcome",
        world["chair"],
        {"recommendation": "support"},
    )
    assert answer.status_code == 409
    client.force_login(world["chair"])
    page = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "Do not chair or count for this item" in page and "decided a step" in page


def test_the_review_lists_a_conflict_that_slipped_through(world, client):
    """An outcome recorded before the rule (written directly) by the proposal's approver."""
    meeting = _meeting(world)
    item = _item(world, meeting)
    Outcome.objects.create(
        item=item, recommendation="support", recorded_by=world["tm"], recorded_at=clock.now()
    )
    client.force_login(world["lead"])
    page = client.get(reverse("panels:review"))
    [row] = page.context["report"].conflicts
    assert row["person"] == world["tm"] and row["did"] == "recorded the outcome"
    assert "decided a step of its sign-off" in page.content.decode()


# --- on or after the meeting's day ----------------------------------------------------------


def test_attendance_and_outcomes_wait_for_the_day(world, client):
    coming = TODAY + dt.timedelta(days=14)
    with pytest.raises(services.NotYet):
        services.meeting_create(
            panel=world["panel"], date=coming, attendees=[world["chair"]], actor=world["lead"]
        )
    meeting = _meeting(world, date=coming)
    item = _item(world, meeting)
    with pytest.raises(services.NotYet):
        services.meeting_set_attendance(
            meeting=meeting, attendees=[world["chair"]], actor=world["lead"]
        )
    with pytest.raises(services.NotYet):
        services.outcome_record(item=item, recommendation="support", actor=world["chair"])
    with pytest.raises(services.NotYet):
        services.minutes_record(meeting=meeting, minutes="Agreed.", actor=world["lead"])
    client.force_login(world["lead"])
    page = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "Save the minutes" not in page and "the minutes are recorded on or after" in page
    # Not "not quorate", and nobody "did not attend": it has not happened.
    assert "Not held yet" in page and "Not quorate" not in page and ">No<" not in page
    listing = client.get(reverse("panels:detail", args=[world["panel"].slug])).content.decode()
    assert "Not held yet" in listing and "Not quorate" not in listing
    posted = client.post(
        reverse("panels:meeting", args=[meeting.pk]),
        {"action": "minutes", "minutes-minutes": "Agreed."},
    )
    assert posted.status_code == 200 and "on or after the day" in posted.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == ""

    api_meeting = _post(
        client,
        "/api/v1/panel-meetings",
        world["lead"],
        {"panel": "permanence-panel", "date": str(coming), "attendees": ["chair"]},
    )
    assert api_meeting.status_code == 409
    attendance = f"/api/v1/panel-meetings/{meeting.pk}/attendance"
    refused = _post(client, attendance, world["lead"], {"attendees": ["chair"]}, method="put")
    assert refused.status_code == 409 and "on or after the day" in refused.json()["detail"]
    outcome = _post(
        client,
        f"/api/v1/panel-items/{item.pk}/outcome",
        world["chair"],
        {"recommendation": "support"},
    )
    assert outcome.status_code == 409

    client.force_login(world["chair"])
    url = reverse("panels:meeting", args=[meeting.pk])
    page = client.get(url)
    assert b"Record an outcome" not in page.content and b'data-testid="not-yet"' in page.content
    assert not page.context["may_take_attendance"]
    client.force_login(world["lead"])
    detail = reverse("panels:detail", args=["permanence-panel"])
    posted = client.post(
        detail,
        {
            "action": "meeting",
            "meeting-date": str(coming),
            "meeting-attendees": [world["chair"].pk],
        },
    )
    assert "on or after the day of the meeting" in posted.content.decode()

    # On the day: attendance through the page, then through the API, then the outcome.
    with clock.frozen_at(coming):
        client.force_login(world["chair"])
        done = client.post(
            url,
            {
                "action": "attendance",
                "attendance-attendees": [world["chair"].pk, world["adviser"].pk],
            },
        )
        assert done.status_code == 302
        assert set(meeting.attendees.all()) == {world["chair"], world["adviser"]}
        answer = _post(
            client, attendance, world["chair"], {"attendees": ["chair", "adviser", "m1"]}, "put"
        )
        assert answer.status_code == 200 and answer.json()["quorate"] is True
        services.outcome_record(item=item, recommendation="support", actor=world["chair"])


# --- seats ----------------------------------------------------------------------------------


def test_a_seat_is_never_back_dated(world, client):
    newbie = UserFactory(username="newbie", roles=[Role.PANEL_MEMBER], first_name="Nia")
    held = _meeting(world, date=TODAY - dt.timedelta(days=7))
    with pytest.raises(ValidationError, match="never earlier"):
        services.panel_member_add(
            panel=world["panel"],
            user=newbie,
            panel_role="member",
            actor=world["lead"],
            from_date=TODAY - dt.timedelta(days=30),
        )
    answer = _post(
        client,
        "/api/v1/panels/permanence-panel/members",
        world["lead"],
        {"username": "newbie", "panel_role": "member", "from_date": "2026-05-01"},
    )
    assert answer.status_code == 422
    client.force_login(world["lead"])
    detail = reverse("panels:detail", args=["permanence-panel"])
    posted = client.post(
        detail,
        {
            "action": "member",
            "member-user": newbie.pk,
            "member-panel_role": "member",
            "member-from_date": "2026-05-01",
        },
    )
    assert "A new seat starts today or later" in posted.content.decode()
    assert not PanelMember.objects.filter(user=newbie).exists()
    # Seated today: not on the attendance of last week's meeting.
    services.panel_member_add(
        panel=world["panel"], user=newbie, panel_role="member", actor=world["lead"]
    )
    page = client.get(reverse("panels:meeting", args=[held.pk]))
    assert newbie not in [m.user for m, _ in page.context["present"]]


# --- the agenda -----------------------------------------------------------------------------


def test_proposals_are_picked_from_those_awaiting_a_panel(world, client):
    meeting = _meeting(world)
    other_child = ChildFactory(child_id="C2", team=world["child"].team, first_name="Ben")
    money = decisions.proposal_create(
        child=other_child,
        decision_type="sgo_financial_support",  # no panel gate: not awaiting a panel
        proposed_plan="Allowance",
        rationale="Means tested",
        actor=world["sw"],
    )
    client.force_login(world["lead"])
    url = reverse("panels:meeting", args=[meeting.pk])
    page = client.get(url)
    choices = dict(page.context["item_form"].fields["proposal"].choices)
    assert world["proposal"].pk in choices and money.pk not in choices
    assert choices[world["proposal"].pk] == (
        "Ava Stone (C1): Care plan changes to special guardianship, submitted"
    )
    # A number typed in that the list does not offer: refused, nothing added.
    refused = client.post(url, {"action": "item", "item-proposal": money.pk})
    assert "Choose a proposal from the list" in refused.content.decode()
    assert not meeting.items.exists()
    added = client.post(url, {"action": "item", "item-proposal": world["proposal"].pk})
    assert added.status_code == 302
    # On the agenda now: no longer offered, and the agenda names the child and the decision.
    page = client.get(url)
    assert world["proposal"].pk not in dict(page.context["item_form"].fields["proposal"].choices)
    shown = page.content.decode()
    assert "Ava Stone (C1)" in shown and "Care plan changes to special guardianship" in shown
    # The same proposal again through the API: 409.
    again = _post(
        client,
        f"/api/v1/panel-meetings/{meeting.pk}/items",
        world["lead"],
        {"proposal_id": world["proposal"].pk},
    )
    assert again.status_code == 409


def test_a_decided_proposal_no_longer_awaits_a_panel(world, client):
    meeting = _meeting(world)
    world["proposal"].status = "rejected"
    world["proposal"].save(update_fields=["status"])
    answer = _post(
        client,
        f"/api/v1/panel-meetings/{meeting.pk}/items",
        world["lead"],
        {"proposal_id": world["proposal"].pk},
    )
    assert answer.status_code == 409 and "no longer awaits a panel" in answer.json()["detail"]


def test_the_outcome_picker_names_the_child_and_the_decision(world, client):
    meeting = _meeting(world)
    _item(world, meeting)
    client.force_login(world["chair"])
    shown = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert ">1. Ava Stone (C1): Care plan changes to special guardianship</option>" in shown


# --- words, order, links --------------------------------------------------------------------


def test_labels_in_words_never_codes(world, client):
    services.terms_revise(
        panel=world["panel"],
        actor=world["lead"],
        purpose="Permanence",
        quorum_other_members=2,
        required_roles=["chair", "legal_adviser"],
        decisions=["sgo_care_plan"],
    )
    client.force_login(world["lead"])
    shown = client.get(reverse("panels:detail", args=["permanence-panel"])).content.decode()
    summary = shown[shown.index('data-testid="terms"') : shown.index("<h2", shown.index("terms"))]
    assert "Chair, legal adviser" in summary
    assert "Care plan changes to special guardianship" in summary
    assert "at least two other members present" in summary
    for code in ("legal_adviser", "sgo_care_plan", "member(s)"):
        assert code not in summary


def test_meetings_are_listed_latest_first(world, client):
    for days in (-60, -5, -30, 10):
        _meeting(world, date=TODAY + dt.timedelta(days=days))
    client.force_login(world["lead"])
    page = client.get(reverse("panels:detail", args=["permanence-panel"]))
    dates = [row["meeting"].date for row in page.context["meetings"]]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4


@pytest.mark.parametrize(("who", "linked"), [("lead", True), ("director", True), ("chair", False)])
def test_the_review_is_linked_only_for_those_who_may_open_it(world, client, who, linked):
    client.force_login(world[who])
    page = client.get(reverse("panels:list")).content.decode()
    assert (reverse("panels:review") in page) is linked
    assert client.get(reverse("panels:review")).status_code == (200 if linked else 403)


def test_meeting_rows_exist_for_the_panel(world):
    """A guard on the fixture: the permanence panel's seats are as the tests assume."""
    assert Meeting.objects.count() == 0
    assert PanelMember.objects.filter(panel=world["panel"]).count() == 3
