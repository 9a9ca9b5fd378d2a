"""The demo council: deterministic, obeying the 903 rules, and covering every situation the
tracker and the audit queue look for."""

import datetime as dt
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from assure.children import codes
from assure.children.care.exits import SGO_EXIT_CODES
from assure.children.demo import DEMO_PASSWORD, digest, generate_children
from assure.children.demo.families import add_years
from assure.children.models import (
    Child,
    ChildAccess,
    Episode,
    PreviousPermanenceRecord,
    Proceedings,
    SGOAssessment,
    SGOSupportPlan,
)
from assure.core import clock
from assure.core.models import DomainEvent
from assure.people.models import StaffMember, User
from assure.people.roles import Role

TODAY = dt.date(2026, 6, 15)
SEED = 42
CHILDREN = 150


def _seed(**options):
    out = StringIO()
    with clock.frozen_at(TODAY):
        call_command("seed_demo", children=CHILDREN, seed=SEED, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return _seed()


def _episodes_by_child():
    by_child = defaultdict(list)
    for e in Episode.objects.select_related("child").order_by("child__child_id", "start_date"):
        by_child[e.child.child_id].append(e)
    return by_child


def test_same_seed_same_children_and_another_seed_differs():
    def run(seed):
        return digest(
            c
            for family in generate_children(children=CHILDREN, seed=seed, today=TODAY)
            for c in family
        )

    assert run(SEED) == run(SEED)
    assert run(SEED) != run(SEED + 1)


def test_database_holds_exactly_what_was_generated(seeded):
    generated = [
        c for family in generate_children(children=CHILDREN, seed=SEED, today=TODAY) for c in family
    ]
    assert sorted(Child.objects.values_list("child_id", flat=True)) == sorted(
        c.child_id for c in generated
    )
    by_child = _episodes_by_child()
    for spec in generated[:40]:
        stored = [
            (
                e.start_date,
                e.end_date,
                e.reason_new_episode,
                e.legal_status,
                e.placement_type,
                e.reason_ceased,
            )
            for e in by_child[spec.child_id]
        ]
        assert stored == [(e.start, e.end, e.rne, e.ls, e.place, e.rec) for e in spec.episodes]


def test_episodes_obey_the_903_rules(seeded):
    by_child = _episodes_by_child()
    children = {c.child_id: c for c in Child.objects.all()}
    assert len(by_child) == CHILDREN
    for child_id, episodes in by_child.items():
        dob = children[child_id].date_of_birth
        assert episodes[0].reason_new_episode == "S"
        assert episodes[0].start_date >= dob
        for e in episodes:
            assert e.end_date is None or e.end_date > e.start_date
            assert e.start_date <= TODAY
            if e.placement_type == "P1":
                assert e.placement_provider == "PR0"
        for before, after in zip(episodes, episodes[1:], strict=False):
            assert before.end_date is not None
            if after.start_date == before.end_date:  # the same period of care
                assert before.reason_ceased == "X1", child_id
                assert after.reason_new_episode in {"L", "P", "T", "B", "U"}
                legal = after.legal_status != before.legal_status
                assert legal == (after.reason_new_episode in {"L", "B", "U"})
                if after.reason_new_episode != "L":
                    assert after.reason_place_change
            else:  # left care, came back later
                assert after.start_date > before.end_date
                assert before.reason_ceased not in {"", "X1"}
                assert after.reason_new_episode == "S"
        last = episodes[-1]
        assert (last.end_date is None) == (last.reason_ceased == "")
        assert last.reason_ceased != "X1"
        if last.reason_ceased in SGO_EXIT_CODES:
            assert last.end_date < add_years(dob, 18), "an SGO exit at 18 or over"
            assert last.placement_type in codes.FOSTER_PLACEMENTS


def test_a_believable_mix(seeded):
    looked_after = Episode.objects.filter(end_date__isnull=True).count()
    assert 0.5 <= looked_after / CHILDREN <= 0.72
    exits = set(
        Episode.objects.exclude(reason_ceased__in=["", "X1"]).values_list(
            "reason_ceased", flat=True
        )
    )
    assert {"E4A", "E45"} <= exits
    assert len(exits) >= 8
    assert Child.objects.filter(uasc=True).exists()
    assert Proceedings.objects.filter(children__isnull=False).distinct().count() > 10
    assert StaffMember.objects.filter(
        user__username="practitioner", allocated_children__isnull=False
    ).exists()
    assert DomainEvent.objects.filter(verb="demo_seeded").count() == 1


def test_every_situation_the_tracker_looks_for(seeded):
    sgo_before_court = Proceedings.objects.filter(application_type="sgo", status="open")
    assert sgo_before_court.exists()
    assert sgo_before_court.filter(hearings__hearing_date__gt=TODAY).exists()
    assert SGOAssessment.objects.filter(
        stage="full", recommendation="positive", completed_date__lte=TODAY
    ).exists()
    assert SGOAssessment.objects.filter(stage="full", completed_date__isnull=True).exists()
    year_ago = TODAY - dt.timedelta(days=365)
    recent_sgo = Episode.objects.filter(reason_ceased__in=SGO_EXIT_CODES, end_date__gt=year_ago)
    assert recent_sgo.exists()
    assert SGOSupportPlan.objects.filter(child__episodes__in=recent_sgo).exists()
    assert PreviousPermanenceRecord.objects.filter(previous_permanence="P2").exists()
    restricted = Child.objects.filter(restricted=True)
    assert restricted.exists()
    assert ChildAccess.objects.filter(child__in=restricted, user__username="practitioner").exists()
    reentered = Episode.objects.filter(reason_new_episode="S").values("child").distinct()
    assert Episode.objects.filter(reason_new_episode="S").count() > reentered.count()


def test_every_role_has_a_demo_user_without_a_password_when_debug_is_off(seeded):
    users = {u.username: u for u in User.objects.prefetch_related("roles", "teams")}
    expected = {
        "admin": Role.ADMIN,
        "lead": Role.ASSURANCE_LEAD,
        "auditor": Role.AUDITOR,
        "practitioner": Role.PRACTITIONER,
        "teammanager": Role.TEAM_MANAGER,
        "servicemanager": Role.SERVICE_MANAGER,
        "headofservice": Role.HEAD_OF_SERVICE,
        "director": Role.DIRECTOR,
        "iro": Role.IRO,
        "legal": Role.LEGAL,
        "panel": Role.PANEL_MEMBER,
        "performance": Role.PERFORMANCE_OFFICER,
    }
    for username, role in expected.items():
        assert users[username].role_slugs == {role}
        assert not users[username].has_usable_password()
    assert users["practitioner"].teams.count() == 1
    assert users["servicemanager"].teams.count() == 3
    assert users["headofservice"].teams.count() == 6
    assert DEMO_PASSWORD not in seeded
    assert "assure changepassword" in seeded


@override_settings(DEBUG=True)
def test_with_debug_on_the_demo_users_share_the_printed_password(db):
    out = _seed()
    assert DEMO_PASSWORD in out
    lead = User.objects.get(username="lead")
    assert lead.check_password(DEMO_PASSWORD)


def test_if_empty_is_idempotent_and_a_plain_rerun_refuses(seeded):
    before = (
        Child.objects.count(),
        Episode.objects.count(),
        User.objects.count(),
        StaffMember.objects.count(),
    )
    out = _seed(if_empty=True)
    assert "already there" in out
    assert "practitioner" in out
    assert (
        Child.objects.count(),
        Episode.objects.count(),
        User.objects.count(),
        StaffMember.objects.count(),
    ) == before
    with pytest.raises(CommandError, match="already holds"):
        _seed()


def test_each_sibling_group_is_a_family(seeded):
    from assure.families.models import Family

    groups = [
        family
        for family in generate_children(children=CHILDREN, seed=SEED, today=TODAY)
        if len(family) > 1
    ]
    assert groups, "the demo has sibling groups"
    stored = {
        f.family_id: sorted(m.child.child_id for m in f.members.all())
        for f in Family.objects.prefetch_related("members__child")
    }
    assert len(stored) == len(groups)
    assert sorted(stored.values()) == sorted(sorted(c.child_id for c in g) for g in groups)
    # Siblings in a family share their proceedings, as the demo's stories make them.
    family = Family.objects.prefetch_related("members__child__proceedings").first()
    shared = [{p.pk for p in m.child.proceedings.all()} for m in family.members.all()]
    assert all(s == shared[0] for s in shared)
