"""The grouped queue against a plain reading of every link, on the demo council: the same
groups, children, reasons and order for each person, at today and at an earlier date, and
pages of groups that are slices of the whole."""

import datetime as dt
from collections import defaultdict

import pytest

from assure.audits import services
from assure.audits.queue import queue_entries, sibling_groups
from assure.children.care import proceedings as court
from assure.children.demo import seed_demo
from assure.children.models import Proceedings, SGOAssessment
from assure.core import clock
from assure.people.models import User
from tests.factories import ChildFactory, EpisodeFactory, PermanencePlanFactory, ProceedingsFactory

D = dt.date(2025, 6, 11)


def _plainly(*, user, on) -> list[tuple]:
    """The groups worked out the long way: every open proceedings link and every carer ID
    read, sets merged until none overlap."""
    items = queue_entries(user=user, on=on)
    position = {i.child_pk: n for n, i in enumerate(items)}
    keys: dict[tuple[str, str], set[int]] = defaultdict(set)
    links = Proceedings.children.through.objects.filter(court.open_on_q(on, "proceedings__"))
    for key, pk in links.values_list("proceedings__proceedings_id", "child_id"):
        if pk in position:
            keys[("proceedings", key)].add(pk)
    for key, pk in SGOAssessment.objects.exclude(carer_id="").values_list("carer_id", "child_id"):
        if pk in position:
            keys[("carer", key)].add(pk)
    shared = {key: pks for key, pks in keys.items() if len(pks) > 1}
    group_of = {pk: frozenset([pk]) for pk in position}
    for pks in shared.values():
        merged = frozenset().union(*(group_of[pk] for pk in pks))
        group_of.update(dict.fromkeys(merged, merged))
    groups = sorted(set(group_of.values()), key=lambda g: min(position[pk] for pk in g))
    return [
        (
            [items[n].child_id for n in sorted(position[pk] for pk in group)],
            sorted(k for (kind, k), pks in shared.items() if kind == "proceedings" and pks & group),
            any(kind == "carer" and pks & group for (kind, _), pks in shared.items()),
        )
        for group in groups
    ]


def _shown(groups) -> list[tuple]:
    return [([i.child_id for i in g.items], g.proceedings, g.shared_carer) for g in groups]


def test_the_groups_are_those_of_every_link_read(db):
    seed_demo(children=300, seed=903)
    for on in [clock.today(), clock.today() - dt.timedelta(days=200)]:
        for username in ["lead", "practitioner", "auditor"]:
            user = User.objects.get(username=username)
            groups = sibling_groups(items=queue_entries(user=user, on=on), on=on)
            assert _shown(groups) == _plainly(user=user, on=on), (on, username)
    # Today's queue has siblings of both kinds to group, and a page of it is a slice.
    lead, on = User.objects.get(username="lead"), clock.today()
    groups = sibling_groups(items=queue_entries(user=lead, on=on), on=on)
    every = list(groups)
    assert any(g.proceedings for g in every) and any(g.shared_carer for g in every)
    assert len(groups) == len(every) > 10
    assert _shown(groups[5:15]) == _shown(every[5:15])
    assert _shown([groups[-1], groups[0]]) == _shown([every[-1], every[0]])
    with pytest.raises(IndexError):
        groups[len(every)]


def test_a_sibling_out_of_the_queue_groups_nobody(people):
    """A child with an open audit is not in the queue: the sibling left in it is alone, though
    they share proceedings and a carer."""
    a, b = ChildFactory(child_id="SA", team=people.north), ChildFactory(child_id="SB")
    for child in (a, b):
        EpisodeFactory(child=child, start_date=D - dt.timedelta(days=400))
        PermanencePlanFactory(child=child, agreed_date=D - dt.timedelta(days=100))
        SGOAssessment.objects.create(
            child=child,
            assessment_id=f"{child.child_id}-1",
            carer_name="Gran",
            carer_id="GRAN",
            relationship="relative",
            stage="viability",
        )
    ProceedingsFactory(proceedings_id="P-AB", issue_date=D - dt.timedelta(days=30)).children.add(
        a, b
    )

    def shown() -> list[tuple]:
        items = queue_entries(user=people.lead, on=D)
        groups = sibling_groups(items=items, on=D)
        return [([i.child_id for i in g.items], g.reason) for g in groups]

    assert shown() == [(["SA", "SB"], "share proceedings P-AB and a prospective special guardian")]
    with clock.frozen_at(D):
        services.audit_create(
            child=b,
            template_slug="sgo-before-court",
            mode="paper",
            auditor=people.auditor,
            actor=people.lead,
        )
    assert shown() == [(["SA"], "")]
