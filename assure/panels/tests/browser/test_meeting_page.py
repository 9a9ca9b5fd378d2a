"""A panel meeting's page in a real browser, axe-core on each state (issue 14 item 5): a coming
meeting takes no attendance and no outcome; on a meeting held, a chair who raised a proposal
on its agenda is offered no outcome for it, and the agenda names who does not count for it;
the chair without a part picks the item by the child's name and records who attended."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from assure.core import clock
from tests.browser.helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def world(transactional_db):  # type: ignore[no-untyped-def]
    from assure.decisions import services as decisions
    from assure.panels import services as panels
    from assure.panels.models import Panel
    from assure.people.services import user_create
    from tests.factories import ChildFactory, EpisodeFactory, TeamFactory

    for module in (
        "assure.audits.migrations.0002_default_templates",
        "assure.panels.migrations.0002_default_panels",
        "assure.decisions.migrations.0002_default_scheme",
    ):
        loaded = importlib.import_module(module)
        (getattr(loaded, "ship", None) or loaded.create)(django_apps, None)
    north = TeamFactory(name="North Children in Care")
    child = ChildFactory(child_id="NA4001", team=north, first_name="Isla", last_name="Reed")
    EpisodeFactory(child=child, start_date=clock.today() - dt.timedelta(days=500))

    def person(username, roles, teams=()):  # type: ignore[no-untyped-def]
        return user_create(
            username=username,
            roles=roles,
            teams=teams,
            password=PASSWORD,
            first_name=username.title(),
            last_name="Test",
        )

    people = {
        "lead": person("lena", ["assurance_lead"]),
        # A team manager who also chairs the panel: she approved the proposal's first step.
        "tm": person("tara", ["team_manager", "panel_member"], teams=(north.name,)),
        "sw": person("sam", ["practitioner"], teams=(north.name,)),
        "chair": person("chris", ["panel_member"]),
        "adviser": person("alex", ["legal"]),
        "member": person("morgan", ["panel_member"]),
    }
    panel = Panel.objects.get(slug="permanence-panel")
    with clock.frozen_at(clock.today() - dt.timedelta(days=30)):
        for who, role in (
            ("chair", "chair"),
            ("tm", "chair"),
            ("adviser", "legal_adviser"),
            ("member", "member"),
        ):
            panels.panel_member_add(
                panel=panel, user=people[who], panel_role=role, actor=people["lead"]
            )
    proposal = decisions.proposal_create(
        child=child,
        decision_type="sgo_care_plan",
        proposed_plan="SGO to the aunt",
        rationale="Settled",
        actor=people["sw"],
    )
    decisions.proposal_submit(proposal=proposal, actor=people["sw"])
    decisions.proposal_decide(proposal=proposal, decision="approve", actor=people["tm"])
    today = panels.meeting_create(
        panel=panel, date=clock.today(), attendees=[], actor=people["lead"]
    )
    panels.agenda_item_add(meeting=today, child=child, proposal=proposal, actor=people["lead"])
    coming = panels.meeting_create(
        panel=panel,
        date=clock.today() + dt.timedelta(days=14),
        attendees=[],
        actor=people["lead"],
    )
    return {"today": today, "coming": coming}


def test_the_meeting_page_holds(pages, world):  # type: ignore[no-untyped-def]
    # A coming meeting: no attendance, no outcome, and it says so.
    chair = pages.open()
    sign_in(chair, username="chris", check=False)
    chair.goto(f"/panels/meetings/{world['coming'].pk}/")
    expect(chair.get_by_test_id("not-yet")).to_contain_text("on or after that day")
    expect(chair.get_by_role("button", name="Record who attended")).to_have_count(0)
    expect(chair.get_by_role("button", name="Record the outcome")).to_have_count(0)
    assert_accessible(chair)

    # Today's meeting: the chair without a part records who attended, the approver among them.
    chair.goto(f"/panels/meetings/{world['today'].pk}/")
    for name in ("Chris Test (chair)", "Tara Test (chair)", "Alex Test (legal adviser)"):
        chair.get_by_label(name).check()
    chair.get_by_role("button", name="Record who attended").click()
    expect(chair.get_by_text("Attendance recorded.")).to_be_visible()
    expect(chair.get_by_test_id("conflicted")).to_contain_text("Tara Test (decided a step")
    expect(chair.locator("#id_item")).to_contain_text(
        "1. Isla Reed (NA4001): Care plan changes to special guardianship"
    )
    assert_accessible(chair)

    # The chair who approved its first step is offered no outcome for it.
    tara = pages.open()
    sign_in(tara, username="tara", check=False)
    tara.goto(f"/panels/meetings/{world['today'].pk}/")
    expect(tara.get_by_test_id("not-mine")).to_contain_text("Isla Reed (NA4001)")
    expect(tara.get_by_role("button", name="Record the outcome")).to_have_count(0)
    assert_accessible(tara)
