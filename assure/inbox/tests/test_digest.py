"""The daily digest: one email row per person who wants it and has something new, sent by
the task worker (core.mail); none for someone who turned it off, none twice in a day, none
when nothing is new."""

import datetime as dt

import pytest
from django.core import mail as outbox
from django.core.management import call_command

from assure.core import clock
from assure.core.models import Email
from assure.inbox import services
from assure.inbox.digest import REASON, digest_send, digests_send


def _digests():
    return list(Email.objects.filter(reason=REASON).order_by("id"))


def test_the_team_manager_gets_a_digest_of_the_proposal_by_child_id(
    world, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = digests_send()
    (email,) = [e for e in _digests() if e.to == [world["tm"].email]]
    assert email.subject == "Assure: 1 thing waiting for you"
    assert "Decision for child SGO1" in email.body
    assert f"/decisions/{submitted.pk}/" in email.body
    assert "1 new notification" in email.body
    # Names stay in Assure.
    assert "Amelia" not in email.body and "Hart" not in email.body
    assert run.sent >= 1
    # Sent by the worker's task once committed (the immediate backend in tests).
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert any(m.subject == email.subject for m in outbox.outbox)


def test_not_twice_a_day_and_not_when_nothing_is_new(world, submitted):
    assert digest_send(user=world["tm"])
    assert not digest_send(user=world["tm"])  # the same day
    tomorrow = clock.today() + dt.timedelta(days=1)
    services.notifications_mark_all_read(user=world["tm"])
    assert not digest_send(user=world["tm"], today=tomorrow)  # the same work, nothing new
    assert len([e for e in _digests() if e.to == [world["tm"].email]]) == 1


def test_new_work_the_next_day_sends_again(world, submitted):
    from assure.decisions import services as decisions

    assert digest_send(user=world["tm"])
    services.notifications_mark_all_read(user=world["tm"])
    another = decisions.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        proposed_plan="Another",
        rationale="Because",
        actor=world["sw"],
    )
    decisions.proposal_submit(proposal=another, actor=world["sw"])
    assert digest_send(user=world["tm"], today=clock.today() + dt.timedelta(days=1))


def test_someone_who_turned_it_off_gets_none(world, submitted):
    services.digest_setting_set(user=world["tm"], daily_digest=False)
    digests_send()
    assert not [e for e in _digests() if e.to == [world["tm"].email]]


def test_nobody_with_nothing_waiting_and_nothing_new_gets_one(world):
    assert digests_send().sent == 0
    assert _digests() == []


def test_the_command_does_it_now_or_queues_it(world, submitted, capsys):
    call_command("send_digests", "--now")
    assert "Queued" in capsys.readouterr().out
    assert [e for e in _digests() if e.to == [world["tm"].email]]
    call_command("send_digests")  # queued on the worker (immediate in tests): none twice
    assert len([e for e in _digests() if e.to == [world["tm"].email]]) == 1


def _work(world, *, size: int) -> None:
    """`size` children of the North team, each with a proposal waiting on the team manager,
    an audit in progress with the auditor, an escalation for the team manager to acknowledge
    and an action the team manager owns."""
    from assure.audits import services as audits
    from assure.decisions import services as decisions
    from tests.factories import ChildFactory, EpisodeFactory

    for n in range(size):
        child = ChildFactory(child_id=f"WORK{n}", team=world["north"])
        EpisodeFactory(child=child)
        proposal = decisions.proposal_create(
            child=child,
            decision_type="sgo_care_plan",
            proposed_plan="SGO to her aunt",
            rationale="Settled",
            actor=world["sw"],
        )
        decisions.proposal_submit(proposal=proposal, actor=world["sw"])
        audit = audits.audit_create(
            child=child,
            template_slug="sgo-before-court",
            mode="paper",
            auditor=world["auditor"],
            actor=world["lead"],
            due_date=clock.today() + dt.timedelta(days=10 + n),
        )
        audit = audits.audit_transition(audit=audit, to="in_progress", actor=world["auditor"])
        audits.escalation_raise(audit=audit, concern="No safe carer", actor=world["auditor"])
        audits.action_add(
            audit=audit,
            description="Update the support plan",
            owner=world["tm"],
            due_date=clock.today() + dt.timedelta(days=1 + n),
            priority="high",
            actor=world["auditor"],
        )


@pytest.mark.parametrize("size", [1, 4])
def test_a_digest_costs_the_same_queries_however_much_work_is_waiting(
    world, size, django_assert_num_queries
):
    from assure.people.models import User

    _work(world, size=size)
    # Fresh people, as the daily run reads them: nothing cached from building the work.
    tm, auditor = (User.objects.get(pk=world[name].pk) for name in ("tm", "auditor"))
    # Their setting written on the first run (4 of each), roles, teams, each kind of work
    # (proposals with their decisions, escalations, audits, actions, meetings), the new
    # notifications, the email and the setting.
    with django_assert_num_queries(17):
        assert digest_send(user=tm)
    with django_assert_num_queries(13):
        assert digest_send(user=auditor)
    (to_tm,) = [e for e in _digests() if e.to == [tm.email]]
    # Each proposal, escalation and action, by child ID.
    assert to_tm.subject == f"Assure: {3 * size} things waiting for you"
    assert all(f"child WORK{n}" in to_tm.body for n in range(size))
    (to_auditor,) = [e for e in _digests() if e.to == [auditor.email]]
    assert to_auditor.subject.startswith(f"Assure: {size} thing")
