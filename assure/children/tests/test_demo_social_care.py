"""The demo council's social care events (children/demo/social_care.py): the way into care,
visits and checks while looked after, care leavers, adoption steps and outcomes after an exit,
at believable rates, deterministic by seed, stored as the Annex A importer stores them, and
filling the exits page's outcomes after exit."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.urls import reverse

from assure.children.care.exits import DECISION_ROUTES, route_of
from assure.children.demo import digest, generate_children, seed_demo
from assure.children.demo.social_care import RECURRING_YEARS, SERVICES_CEASED
from assure.children.models import SocialCareEvent
from assure.core import clock
from assure.families import chronology
from assure.imports.annex_a import events as annex_events
from assure.imports.annex_a import lists
from assure.people.models import User
from tests.factories import ChildFactory, SocialCareEventFactory, UserFactory

TODAY = dt.date(2026, 6, 15)
SEED = 42


def _children(n: int, seed: int = SEED):
    return [c for family in generate_children(children=n, seed=seed, today=TODAY) for c in family]


@pytest.fixture(scope="module")
def council():
    return _children(1500)


def _periods(child):
    """(start, end, reason ceased) of each period of care."""
    found = []
    for e in child.episodes:
        if e.rne == "S":
            found.append([e.start, e.end, e.rec])
        else:
            found[-1][1:] = [e.end, e.rec]
    return found


def _of(child, kind):
    return [e for e in child.events if e.kind == kind]


def _events_key(children):
    return [
        (c.child_id, e.kind, e.start, e.end, str(e.details), e.source_list)
        for c in children
        for e in c.events
    ]


def test_deterministic_by_seed_and_the_rest_of_the_council_unchanged():
    first, again, other = _children(200), _children(200), _children(200, seed=SEED + 1)
    assert _events_key(first) == _events_key(again)
    assert _events_key(first) != _events_key(other)
    # The events come from their own random streams: the children and episodes are those
    # the seed gave before (the digest leaves events out), whatever the events draw.
    assert digest(first) == digest(again)
    for child in first:
        assert all(e.start <= TODAY for e in child.events)
        keys = [(e.kind, e.start) for e in child.events]
        assert len(keys) == len(set(keys)), "one event a kind and day, as the model keeps"
        assert [e.start for e in child.events] == sorted(e.start for e in child.events)


def test_every_period_of_care_has_its_way_in(council):
    s47_before = plans_before = periods = 0
    for child in council:
        for start, _, _ in _periods(child):
            periods += 1
            before = [e for e in child.events if start - dt.timedelta(days=700) <= e.start]
            referrals = [e for e in _of(child, "referral") if e.start <= start]
            assert referrals, (child.child_id, start)
            referral = max(e.start for e in referrals)
            assert any(e.start <= referral for e in _of(child, "contact"))
            # The single assessment starts within days of the referral (after an emergency
            # or an arrival, once the child is in care).
            soon = referral + dt.timedelta(days=3)
            assert any(referral <= e.start <= soon for e in _of(child, "assessment"))
            s47 = [e for e in before if e.kind == "section_47" and referral <= e.start <= start]
            s47_before += bool(s47)
            plans = [
                e for e in before if e.kind == "child_protection" and referral <= e.start < start
            ]
            plans_before += bool(plans)
            for plan in plans:
                # A plan before care ends around the day the child became looked after.
                assert plan.end is None or start <= plan.end <= start + dt.timedelta(days=30)
    assert 0.35 <= s47_before / periods <= 0.7
    assert 0.2 <= plans_before / periods < s47_before / periods


def test_visits_and_checks_while_looked_after(council):
    window = TODAY - dt.timedelta(days=RECURRING_YEARS * 365)
    gaps, late, in_care, overdue_health = [], 0, 0, 0
    for child in council:
        start, end, _ = _periods(child)[-1]
        if end is not None or (TODAY - start).days < 120:
            continue
        in_care += 1
        visits = [e.start for e in _of(child, "social_work_visit")]
        assert visits and min(visits) >= window - dt.timedelta(days=1)
        assert (TODAY - max(visits)).days <= 75, child.child_id
        steps = [(b - a).days for a, b in zip(visits, visits[1:], strict=False)]
        gaps += steps
        late += sum(step > 42 for step in steps)
        assert _of(child, "iro_contact")
        health = [e.start for e in _of(child, "health_assessment")]
        assert health
        overdue_health += (TODAY - max(health)).days > 365
        assert all(e.source_list == "List 8" and not e.details for e in _of(child, "iro_contact"))
    assert in_care > 500
    # About every six weeks, a few late.
    assert 25 <= sum(gaps) / len(gaps) <= 42
    assert 0.02 <= late / len(gaps) <= 0.15
    assert 0 < overdue_health / in_care <= 0.15


def test_care_leavers_and_adoption_steps(council):
    leavers = adopted = 0
    touch = Counter()
    for child in council:
        _, end, reason = _periods(child)[-1]
        if reason in {"E5", "E6", "E17"} and (TODAY - end).days > 60 and end.year >= 2025:
            leavers += 1
            contacts = _of(child, "care_leaver_contact")
            assert contacts and all(c.start > end for c in contacts)
            assert _of(child, "pathway_plan_review")
            touch.update(dict(c.details)["In touch"] for c in contacts)
            if reason == "E17":
                homes = {dict(c.details).get("Type of accommodation") for c in contacts[:1]}
                assert homes <= {"With former foster carers", None}
        if reason in {"E11", "E12"}:
            adopted += 1
            kinds = {e.kind: e for e in child.events}
            assert kinds["adoption_order"].start == end
            assert kinds["placed_for_adoption"].start < end
            # A baby placed with the parents' consent has no placement order.
            if "placement_order" in kinds:
                assert kinds["placement_order"].start <= kinds["placed_for_adoption"].start
            family = dict(kinds["placed_for_adoption"].details)["Adoptive family"]
            assert dict(kinds["adopters"].details)["Adoptive family"] == family
    assert leavers > 20 and adopted > 20
    # Most care leavers are in touch.
    assert 0.8 <= touch["Yes"] / sum(touch.values()) <= 0.97


def test_outcomes_after_exit_for_a_minority_and_more_after_going_home(council):
    followed = Counter()
    referred, s47, plans = Counter(), Counter(), Counter()
    for child in council:
        for _start, end, reason in _periods(child):
            route = route_of(reason)
            if end is None or route not in DECISION_ROUTES or (TODAY - end).days < 365:
                continue
            if (end - child.dob).days > 17 * 365:
                continue
            home = "home" if route.startswith("return_home") else "permanence"
            followed[home] += 1
            year = [e for e in child.events if end < e.start <= end + dt.timedelta(days=365)]
            kinds = {e.kind for e in year}
            referred[home] += "referral" in kinds
            s47[home] += "section_47" in kinds
            plans[home] += "child_protection" in kinds
    total = sum(followed.values())
    assert total > 100
    rate = sum(referred.values()) / total
    assert 0.05 <= rate <= 0.2
    assert sum(plans.values()) <= sum(s47.values()) < sum(referred.values())
    assert sum(plans.values()) > 0
    assert referred["home"] / followed["home"] > referred["permanence"] / followed["permanence"]


def test_details_and_lists_are_those_the_annex_a_importer_writes(council):
    importer = {
        spec.kind: f"List {list_no}"
        for list_no, specs in annex_events.EVENTS.items()
        for spec in specs
    }
    importer |= {"adopters": "List 11", "returned_to_care": "List 8"}
    labels = {field.label for field in lists.FIELDS.values()} | {"Adoptive family", "Adopters"}
    kinds = set()
    for child in council:
        for event in child.events:
            kinds.add(event.kind)
            assert event.source_list == importer[event.kind], event
            for label, value in event.details:
                assert label in labels, label
                assert isinstance(value, str) and value
                if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", value):
                    # The importer's date words, and nothing told before it happened.
                    assert dt.datetime.strptime(value, "%d %b %Y").date() <= TODAY, event
    assert kinds == set(SocialCareEvent.Kind.values)


def _periods_of_care(child):
    """(start, end, reason ceased, first category of need, last category of need)."""
    found = []
    for e in child.episodes:
        if e.rne == "S":
            found.append([e.start, e.end, e.rec, e.cin, e.cin])
        else:
            found[-1][1:3] = [e.end, e.rec]
            found[-1][4] = e.cin
    return found


def _looked_after_on(periods, day):
    return any(start <= day and (end is None or day < end) for start, end, *_ in periods)


def test_early_help_comes_before_the_care_it_led_to_or_after_an_exit(council):
    before = after = periods_count = 0
    for child in council:
        periods = _periods_of_care(child)
        periods_count += len(periods)
        referrals = [e.start for e in _of(child, "referral")]
        for help_ in _of(child, "early_help"):
            assert help_.source_list == "List 2"
            assert dict(help_.details)["Organisation completing the assessment"]
            assert child.dob < help_.start < help_.end <= help_.start + dt.timedelta(days=45)
            # Never while looked after: before a period of care, or after one ended.
            assert not _looked_after_on(periods, help_.start)
            assert not _looked_after_on(periods, help_.end)
            care = [p for p in periods if p[0] > help_.end]
            if care:
                # Completed before the referral that led to the care, weeks to two years on.
                referral = min(r for r in referrals if r > help_.end)
                assert referral <= care[0][0]
                assert (referral - help_.start).days <= 730
            earlier = [p for p in periods if p[0] < help_.start]
            before += not earlier
            after += bool(earlier)
            if earlier:
                assert earlier[-1][2] in {"E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48"}
        if child.uasc:
            assert not _of(child, "early_help")
    # Many families had early help before care; a few after an exit.
    assert 0.15 <= before / periods_count <= 0.45
    assert 0 < after < before / 5


def test_a_child_in_need_episode_closes_when_the_child_becomes_looked_after(council):
    into_care = at_home = without = 0
    for child in council:
        periods = _periods_of_care(child)
        episodes = _of(child, "child_in_need")
        without += not episodes
        referrals = {e.start for e in _of(child, "referral")}
        for cin in episodes:
            details = dict(cin.details)
            assert cin.source_list == "List 6"
            assert cin.start in referrals or any(
                end and end <= cin.start <= end + dt.timedelta(days=14) for _, end, *_ in periods
            ), "a child in need episode opens at a referral, or as a step-down on going home"
            assert not _looked_after_on(periods, cin.start)
            assert datetime_words(details["Child last seen"]) >= cin.start
            entered = [p for p in periods if cin.start < p[0] and (cin.end or TODAY) >= p[0]]
            if entered:
                # It closed the day the child came into care, or when the plan before care
                # ended weeks later; the category of need is the 903's.
                into_care += 1
                start, *_, first_need, _ = entered[0]
                # (Open today only if the child came in within the month.)
                assert start <= (cin.end or TODAY) <= start + dt.timedelta(days=30)
                assert details["Case status"] == "Looked after child"
                assert "Reason for closure" not in details
                if cin.start in referrals:
                    assert details["Primary need"].startswith(f"{first_need} - ")
            else:
                at_home += 1
                home = [p for p in periods if p[1] and p[1] <= cin.start]
                assert details["Primary need"].startswith(f"{home[-1][4]} - ")
                if cin.end is None:
                    assert details["Case status"] in {"Child in need plan", "Child protection plan"}
                else:
                    assert details["Reason for closure"] == SERVICES_CEASED
                    assert details["Case status"] == "Closed"
                assert (cin.end or TODAY) < child.dob + dt.timedelta(days=18 * 365 + 5)
        spans = sorted(
            (e.start, e.end or TODAY)
            for e in child.events
            if e.kind in {"early_help", "child_in_need"}
        )
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False)), child.child_id
        if child.uasc:
            assert not _of(child, "child_in_need")
    assert into_care > 1000
    assert 0 < at_home < into_care / 5
    # Some children came straight into care: no episode at home before.
    assert 0.03 <= without / len(council) <= 0.3


def datetime_words(value):
    return dt.datetime.strptime(value, "%d %b %Y").date()


@pytest.fixture
def seeded(db):
    with clock.frozen_at(TODAY):
        seed_demo(children=300, seed=SEED)


def test_stored_as_generated(seeded):
    generated = _children(300)
    stored = Counter(
        (child_id, kind, start, end, tuple(map(tuple, details)), source, source_list)
        for child_id, kind, start, end, details, source, source_list in (
            SocialCareEvent.objects.values_list(
                "child__child_id",
                "kind",
                "start_date",
                "end_date",
                "details",
                "source",
                "source_list",
            )
        )
    )
    wanted = Counter(
        (c.child_id, e.kind, e.start, e.end, tuple(map(tuple, e.details)), "annex_a", e.source_list)
        for c in generated
        for e in c.events
    )
    assert stored == wanted


def test_the_exits_page_shows_outcomes_after_exit_and_the_child_page_the_events(seeded, client):
    client.force_login(User.objects.get(username="lead"))
    with clock.frozen_at(TODAY):
        page = client.get(reverse("insights:exits")).content.decode()
    found = re.search(r"Of (\d+) exit decisions whose 12 months have run, (\d+) were", page)
    assert found, "the outcomes section says the lists have not been loaded"
    decisions, followed = map(int, found.groups())
    assert 0 < followed < decisions / 4

    child = SocialCareEvent.objects.filter(kind="child_protection").first().child
    with clock.frozen_at(TODAY):
        page = client.get(reverse("children:detail", args=[child.child_id])).content.decode()
    assert "events from Ofsted Annex A" in page
    assert "Child protection plan started" in page


def test_the_child_page_and_the_chronology_tell_early_help_and_children_in_need(seeded, client):
    lead = User.objects.get(username="lead")
    client.force_login(lead)
    child = (
        SocialCareEvent.objects.filter(
            kind="early_help", child__social_care_events__kind="child_in_need"
        )
        .select_related("child")
        .first()
        .child
    )
    help_ = child.social_care_events.get(kind="early_help")
    need = child.social_care_events.filter(kind="child_in_need", end_date__isnull=False).first()
    with clock.frozen_at(TODAY):
        page = client.get(reverse("children:detail", args=[child.child_id])).content.decode()
        events = chronology.build(children=[child], user=lead)
    assert "Early help assessment started" in page
    assert "Organisation completing the assessment: " in page
    assert "Child in need episode started" in page
    assert "Primary need: N" in page
    assert "From Ofsted Annex A, List 6" in page
    summaries = {(e.date, e.kind, e.summary) for e in events}
    assert (help_.start_date, "help_protection", "Early help assessment started") in summaries
    assert (help_.end_date, "help_protection", "Early help assessment completed") in summaries
    assert (need.start_date, "help_protection", "Child in need episode started") in summaries
    assert (need.end_date, "help_protection", "Child in need episode closed") in summaries


def test_an_episode_still_open_says_so_on_the_child_page(db, client):
    child = ChildFactory()
    SocialCareEventFactory(
        child=child,
        kind="child_in_need",
        start_date=dt.date(2026, 3, 2),
        details=[["Case status", "Child in need plan"]],
        source_list="List 6",
    )
    SocialCareEventFactory(child=child, start_date=dt.date(2026, 3, 9))  # a visit: one day
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(reverse("children:detail", args=[child.child_id])).content.decode()
    cells = re.findall(r"<td class=\"govuk-table__cell[^\"]*\">([^<]*)</td>", page)
    assert cells[cells.index("Child in need episode started") + 1] == "Open"
    assert cells[cells.index("Social work visit") + 1] == "–"
