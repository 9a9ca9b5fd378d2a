"""The home page's work list, the notifications page and the header's search, through the
test client."""

import pytest
from django.urls import reverse

from assure.core.models import AccessEvent
from assure.decisions import services as decisions
from assure.families.models import Family, FamilyMember
from assure.inbox.models import Notification
from assure.inbox.selectors import inbox_for

HOME = "/"


def _html(client, user, url=HOME, *, login=True, **params):
    if login:
        client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


# --- home --------------------------------------------------------------------------------


def test_the_team_managers_home_names_the_proposal_waiting_on_him(world, submitted, client):
    html = _html(client, world["tm"])
    assert 'data-testid="work-list"' in html
    assert "Amelia Hart (SGO1)" in html and "waiting for your decision" in html
    assert f'href="/decisions/{submitted.pk}/"' in html


def test_once_approved_it_is_on_the_service_managers_home_not_his(world, submitted, client):
    decisions.proposal_decide(proposal=submitted, decision="approve", actor=world["tm"])
    assert "Amelia Hart (SGO1)" not in _html(client, world["tm"])
    assert "Amelia Hart (SGO1)" in _html(client, world["sm"])


@pytest.mark.parametrize(
    "who", ["sw", "tm", "sm", "hos", "lead", "auditor", "panel", "performance", "admin"]
)
def test_every_role_has_a_home_with_a_work_list(world, submitted, client, who):
    if who == "admin":
        from assure.people.tests.helpers import sign_in_with_second_factor

        sign_in_with_second_factor(client=client, user=world[who])
    html = _html(client, world[who], login=who != "admin")
    assert 'data-testid="work-summary"' in html
    assert "Your role does not include" not in html


def test_home_query_count_does_not_grow_with_the_work(world, client, django_assert_max_num_queries):
    client.force_login(world["tm"])
    client.get(HOME)  # the session, the templates' first loads
    for n in range(5):
        proposal = decisions.proposal_create(
            child=world["child"],
            decision_type="sgo_care_plan",
            proposed_plan=f"Plan {n}",
            rationale="Because",
            actor=world["sw"],
        )
        decisions.proposal_submit(proposal=proposal, actor=world["sw"])
    assert len(inbox_for(user=world["tm"])) == 5
    with django_assert_max_num_queries(20):
        response = client.get(HOME)
    assert response.content.decode().count('data-testid="work-item"') == 5


# --- notifications --------------------------------------------------------------------------


def test_submitting_tells_the_team_manager_and_approving_settles_it(world, submitted, client):
    (note,) = Notification.objects.filter(user=world["tm"])
    assert note.kind == "proposal_decision" and note.read_at is None
    assert "Amelia Hart (SGO1)" in note.title
    html = _html(client, world["tm"])
    assert 'data-testid="unread-count"' in html  # the header's count

    decisions.proposal_decide(proposal=submitted, decision="approve", actor=world["tm"])
    note.refresh_from_db()
    assert note.read_at is not None  # the work moved on: no longer news for him
    (moved,) = Notification.objects.filter(user=world["sm"])
    assert moved.read_at is None and moved.kind == "proposal_decision"
    assert not Notification.objects.filter(user=world["hos"]).exists()


def test_the_notifications_page_read_and_unread(world, submitted, client):
    note = Notification.objects.get(user=world["tm"])
    html = _html(client, world["tm"], reverse("inbox:notifications"))
    assert "You have 1 unread notification." in html and note.title in html

    client.post(reverse("inbox:read", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at is not None
    html = _html(client, world["tm"], reverse("inbox:notifications"))
    assert "You have no unread notifications." in html and note.title in html
    assert 'data-testid="unread-count"' not in html

    client.post(reverse("inbox:unread", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at is None
    client.post(reverse("inbox:read_all"))
    assert not Notification.objects.filter(user=world["tm"], read_at__isnull=True).exists()


def test_anothers_notification_is_404_and_unchanged(world, submitted, client):
    note = Notification.objects.get(user=world["tm"])
    client.force_login(world["sm"])
    assert client.post(reverse("inbox:read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_marking_read_is_a_post(world, submitted, client):
    note = Notification.objects.get(user=world["tm"])
    client.force_login(world["tm"])
    assert client.get(reverse("inbox:read", args=[note.pk])).status_code == 405


def test_turning_the_digest_off_and_on(world, client):
    from assure.inbox.selectors import digest_wanted

    client.force_login(world["tm"])
    assert digest_wanted(user=world["tm"])
    client.post(reverse("inbox:digest"), {})
    assert not digest_wanted(user=world["tm"])
    assert (
        "checked"
        not in _html(client, world["tm"], reverse("inbox:notifications"))
        .split('id="daily_digest"')[1]
        .split(">")[0]
    )
    client.post(reverse("inbox:digest"), {"daily_digest": "on"})
    assert digest_wanted(user=world["tm"])


def test_notifications_query_count(world, client, django_assert_max_num_queries):
    from assure.core import clock

    Notification.objects.bulk_create(
        Notification(user=world["tm"], kind="escalation", title=f"N{n}", created_at=clock.now())
        for n in range(30)
    )
    client.force_login(world["tm"])
    client.get(reverse("inbox:notifications"))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("inbox:notifications")).content.decode()
    assert html.count('data-testid="notification"') == 30


# --- search ------------------------------------------------------------------------------


def _search(client, user, term):
    return _html(client, user, reverse("inbox:search"), q=term)


def test_search_finds_a_child_by_name_or_id_and_logs_the_read(world, client):
    before = AccessEvent.objects.count()
    html = _search(client, world["sw"], "amelia hart")
    assert 'href="/children/SGO1/"' in html
    event = AccessEvent.objects.latest("id")
    assert AccessEvent.objects.count() == before + 1
    assert event.child == world["child"] and event.user == world["sw"]
    assert event.detail == {"search": "amelia hart"} and event.where == "/search/"
    assert 'href="/children/SGO1/"' in _search(client, world["sw"], "sgo1")


def test_search_never_shows_what_the_person_may_not_see(world, client):
    before = AccessEvent.objects.count()
    html = _search(client, world["sw"], "Hart")
    assert "SGO1" in html and "SOUTH1" not in html and "Zara" not in html
    assert not AccessEvent.objects.filter(child=world["other"]).exists()
    assert AccessEvent.objects.count() == before + 1
    assert "Nothing you may see matches" in _search(client, world["sw"], "SOUTH1")
    # A panel member sees no child off their panels' agendas.
    assert "Nothing you may see matches" in _search(client, world["panel"], "Hart")


def test_search_finds_a_family_and_a_proposal(world, submitted, client):
    from assure.core import clock

    family = Family.objects.create(family_id="FAM-7", name="The Harts", created_at=clock.now())
    FamilyMember.objects.create(family=family, child=world["child"], linked_at=clock.now())
    html = _search(client, world["tm"], "harts")
    assert 'href="/families/FAM-7/"' in html and "Amelia Hart (SGO1)" in html
    html = _search(client, world["tm"], f"P{submitted.pk}")
    assert f'href="/decisions/{submitted.pk}/"' in html
    assert "Nothing you may see matches" in _search(client, world["tm_south"], str(submitted.pk))


def test_search_query_count(world, client, django_assert_max_num_queries):
    from tests.factories import ChildFactory

    for n in range(10):
        ChildFactory(child_id=f"HART{n}", last_name="Hart", team=world["north"])
    client.force_login(world["sw"])
    client.get(reverse("inbox:search"))
    with django_assert_max_num_queries(25):
        html = client.get(reverse("inbox:search"), {"q": "hart"}).content.decode()
    assert html.count('<a class="govuk-link" href="/children/') == 11


def test_the_header_has_the_search_box(world, client):
    html = _html(client, world["tm"])
    assert 'data-testid="header-search"' in html and 'action="/search/"' in html


def test_a_panel_members_home_has_the_coming_meeting_with_its_agenda(world, submitted, client):
    import datetime as dt

    from assure.core import clock
    from assure.panels import services as panels
    from assure.panels.models import Panel

    panel = Panel.objects.get(slug="permanence-panel")
    panels.panel_member_add(
        panel=panel, user=world["panel"], panel_role="member", actor=world["lead"]
    )
    meeting = panels.meeting_create(
        panel=panel, date=clock.today() + dt.timedelta(days=7), attendees=[], actor=world["lead"]
    )
    panels.agenda_item_add(
        meeting=meeting, child=world["child"], proposal=submitted, actor=world["lead"]
    )
    (item,) = inbox_for(user=world["panel"])
    assert item.kind == "panel_meeting" and item.due_date == meeting.date
    assert item.details == ["Amelia Hart (SGO1): Care plan changes to special guardianship"]
    html = _html(client, world["panel"])
    assert f'href="/panels/meetings/{meeting.pk}/"' in html
    assert "Amelia Hart (SGO1): Care plan changes to special guardianship" in html


@pytest.mark.parametrize(
    ("seat", "says"),
    [
        ("chair", "You chair this panel."),
        ("legal_adviser", "You are this panel&#x27;s legal adviser."),
        ("member", "You are a member of this panel."),
    ],
)
def test_the_coming_meeting_says_which_seat_the_person_holds(world, client, seat, says):
    import datetime as dt

    from assure.core import clock
    from assure.panels import services as panels
    from assure.panels.models import Panel

    panel = Panel.objects.get(slug="permanence-panel")
    panels.panel_member_add(panel=panel, user=world["panel"], panel_role=seat, actor=world["lead"])
    panels.meeting_create(
        panel=panel, date=clock.today() + dt.timedelta(days=7), attendees=[], actor=world["lead"]
    )
    html = _html(client, world["panel"])
    assert says in html and "You sit on this panel" not in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_work(world, submitted, client):
    note = Notification.objects.get(user=world["tm"])
    client.force_login(world["sm"])
    opening = reverse("inbox:notifications") + f"?open={note.pk}"
    assert client.get(opening).status_code == 404
    client.force_login(world["tm"])
    response = client.get(opening)
    assert response.status_code == 302 and response["Location"] == f"/decisions/{submitted.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
