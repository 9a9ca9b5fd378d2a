"""Family audits: one audit per child made together; answers and findings shared or per
child; every child's audit moves together or none does; a restricted sibling is never shown
or counted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.audits import family_selectors, family_services, services
from assure.audits.models import Answer, Audit, FamilyAudit, Finding, Question
from assure.children.models import ChildAccess
from assure.core.models import AccessEvent
from assure.families.models import Family, FamilyMember
from tests.factories import ChildFactory
from tests.html import normalised

from .conftest import answer_everything


@pytest.fixture
def kids(people):
    """Two siblings everyone in the North team may see, and a restricted sibling only the
    lead may see; all in family STONE."""
    from django.utils import timezone

    maya = ChildFactory(child_id="S1", first_name="Maya", last_name="Stone", team=people.north)
    leo = ChildFactory(child_id="S2", first_name="Leo", last_name="Stone", team=people.north)
    hidden = ChildFactory(
        child_id="S3", first_name="Secret", last_name="Sibling", team=people.north, restricted=True
    )
    family = Family.objects.create(family_id="STONE", name="The Stones", created_at=timezone.now())
    for child in (maya, leo, hidden):
        FamilyMember.objects.create(family=family, child=child, linked_at=timezone.now())
    return maya, leo, hidden, family


@pytest.fixture
def fa(people, kids):
    maya, leo, _, family = kids
    return family_services.family_audit_create(
        children=[maya, leo],
        template_slug="sgo-before-court",
        auditor=people.auditor,
        actor=people.lead,
        family=family,
    )


def _audits(fa):
    return list(fa.child_audits.select_related("child").order_by("child__child_id"))


def _start(fa, people):
    family_services.family_audit_transition(family_audit=fa, to="in_progress", actor=people.auditor)


def _questions(fa):
    return list(Question.objects.filter(section__template=fa.template).order_by("pk"))


# --- creating ------------------------------------------------------------------------------


def test_create_makes_one_audit_per_child_in_one_family_audit(fa, kids, people):
    maya, leo, _, family = kids
    audits = _audits(fa)
    assert [a.child for a in audits] == [maya, leo]
    assert all(a.auditor == people.auditor and a.status == "scheduled" for a in audits)
    assert fa.family == family and fa.title == "Family audit: The Stones"
    assert all(a.template_id == fa.template_id for a in audits)


def test_create_leaves_out_children_the_actor_may_not_see(people, kids):
    maya, leo, hidden, family = kids
    made = family_services.family_audit_create(
        children=[maya, leo, hidden],
        template_slug="sgo-before-court",
        auditor=people.auditor,
        actor=people.auditor,
        family=family,
    )
    assert {a.child for a in made.child_audits.all()} == {maya, leo}
    assert not Audit.objects.filter(child=hidden).exists()


def test_create_refuses_a_child_the_auditor_may_not_see(people, kids):
    maya, _, hidden, _ = kids
    with pytest.raises(ValidationError) as error:
        family_services.family_audit_create(
            children=[maya, hidden],
            template_slug="sgo-before-court",
            auditor=people.auditor,
            actor=people.lead,
        )
    assert "S3" in str(error.value.message_dict["auditor"])
    assert not FamilyAudit.objects.exists() and not Audit.objects.exists()


def test_create_needs_two_children(people, kids):
    maya, *_ = kids
    with pytest.raises(ValidationError):
        family_services.family_audit_create(
            children=[maya],
            template_slug="sgo-before-court",
            auditor=people.auditor,
            actor=people.lead,
        )


def test_create_is_all_or_nothing(people, kids):
    maya, leo, _, _ = kids
    services.audit_create(
        child=leo,
        template_slug="sgo-before-court",
        mode="paper",
        auditor=people.auditor,
        actor=people.lead,
    )
    with pytest.raises(services.Conflict, match="S2 already has an audit"):
        family_services.family_audit_create(
            children=[maya, leo],
            template_slug="sgo-before-court",
            auditor=people.auditor,
            actor=people.lead,
        )
    assert not FamilyAudit.objects.exists()
    assert list(Audit.objects.values_list("child__child_id", flat=True)) == ["S2"]


# --- answers -------------------------------------------------------------------------------


def test_a_shared_answer_is_written_to_every_child_and_shown_once(fa, people):
    _start(fa, people)
    graded = next(q for q in _questions(fa) if q.type == "graded")
    family_services.family_answers_save(
        family_audit=fa,
        answers=[{"question": graded.pk, "shared": True, "value": "good", "evidence": "On file."}],
        actor=people.auditor,
    )
    answers = Answer.objects.filter(question=graded, is_current=True)
    assert sorted((a.audit.child.child_id, a.value, a.shared) for a in answers) == [
        ("S1", "good", True),
        ("S2", "good", True),
    ]
    record = family_selectors.family_audit_record(family_audit=fa, audits=_audits(fa))
    view = next(v for _, vs in record.sections for v in vs if v.question == graded)
    assert view.shared and view.shared_answer.value == "good"


def test_per_child_answers_differ_and_are_shown_per_child(fa, people):
    _start(fa, people)
    maya_audit, leo_audit = _audits(fa)
    graded = next(q for q in _questions(fa) if q.type == "graded")
    family_services.family_answers_save(
        family_audit=fa,
        answers=[
            {
                "question": graded.pk,
                "shared": False,
                "per_child": {
                    maya_audit.pk: {"value": "good"},
                    leo_audit.pk: {"value": "inadequate", "evidence": "No safety plan."},
                },
            }
        ],
        actor=people.auditor,
    )
    assert services.current_answers(maya_audit)[graded.pk].value == "good"
    leo_answer = services.current_answers(leo_audit)[graded.pk]
    assert (leo_answer.value, leo_answer.shared) == ("inadequate", False)
    record = family_selectors.family_audit_record(family_audit=fa, audits=_audits(fa))
    view = next(v for _, vs in record.sections for v in vs if v.question == graded)
    assert not view.shared
    assert [c.answer.value for c in view.per_child] == ["good", "inadequate"]
    # Going back to one answer for both marks it shared again.
    family_services.family_answers_save(
        family_audit=fa,
        answers=[{"question": graded.pk, "shared": True, "value": "good"}],
        actor=people.auditor,
    )
    record = family_selectors.family_audit_record(family_audit=fa, audits=_audits(fa))
    view = next(v for _, vs in record.sections for v in vs if v.question == graded)
    assert view.shared


def test_a_bad_per_child_answer_saves_nothing_for_anyone(fa, people):
    _start(fa, people)
    maya_audit, leo_audit = _audits(fa)
    graded = [q for q in _questions(fa) if q.type == "graded"]
    with pytest.raises(ValidationError) as error:
        family_services.family_answers_save(
            family_audit=fa,
            answers=[
                {"question": graded[0].pk, "shared": True, "value": "good"},
                {
                    "question": graded[1].pk,
                    "shared": False,
                    "per_child": {
                        maya_audit.pk: {"value": "good"},
                        leo_audit.pk: {"value": "inadequate"},
                    },
                },
            ],
            actor=people.auditor,
        )
    assert list(error.value.message_dict) == [f"q{graded[1].pk}-a{leo_audit.pk}"]
    assert not Answer.objects.exists()


def test_only_the_auditor_answers(fa, people):
    _start(fa, people)
    question = _questions(fa)[0]
    with pytest.raises(services.Forbidden):
        family_services.family_answers_save(
            family_audit=fa,
            answers=[{"question": question.pk, "shared": True, "value": "yes"}],
            actor=people.other_auditor,
        )
    assert not Answer.objects.exists()


def test_editing_one_childs_audit_keeps_other_shared_answers(fa, people):
    """A section saved on one child's own audit page leaves unchanged shared answers alone."""
    _start(fa, people)
    maya_audit, _ = _audits(fa)
    graded = [q for q in _questions(fa) if q.type == "graded"][:2]
    family_services.family_answers_save(
        family_audit=fa,
        answers=[{"question": q.pk, "shared": True, "value": "good"} for q in graded],
        actor=people.auditor,
    )
    services.answers_save(
        audit=maya_audit,
        answers=[
            {"question": graded[0].pk, "value": "good", "evidence": ""},
            {"question": graded[1].pk, "value": "outstanding", "evidence": ""},
        ],
        actor=people.auditor,
    )
    current = services.current_answers(maya_audit)
    assert current[graded[0].pk].shared is True
    assert (current[graded[1].pk].value, current[graded[1].pk].shared) == ("outstanding", False)


# --- findings ------------------------------------------------------------------------------


def test_a_shared_finding_reaches_every_child_with_one_key(fa, people):
    _start(fa, people)
    question = _questions(fa)[0]
    made = family_services.family_finding_add(
        family_audit=fa,
        question=question,
        type="strength",
        text="Sibling contact is planned together.",
        actor=people.auditor,
    )
    assert len(made) == 2
    assert {f.audit.child.child_id for f in made} == {"S1", "S2"}
    assert made[0].shared_key is not None and made[0].shared_key == made[1].shared_key
    record = family_selectors.family_audit_record(family_audit=fa, audits=_audits(fa))
    assert len(record.findings) == 1
    assert record.findings[0].shared and len(record.findings[0].audits) == 2
    # In the family's chronology it is one event naming both children.
    from assure.families import selectors as family_selectors_

    _, members = family_selectors_.family_get_for_user(user=people.lead, family_id="STONE")
    events = family_selectors_.family_chronology(
        children=family_selectors_.children_of(members), user=people.lead
    )
    shared = [e for e in events if e.kind == "finding"]
    assert [(e.child_ids, e.key) for e in shared] == [
        (["S1", "S2"], f"audits:finding-{made[0].shared_key}")
    ]


def test_a_per_child_finding_reaches_only_that_childs_audit_and_record(client, fa, people):
    _start(fa, people)
    maya_audit, leo_audit = _audits(fa)
    question = _questions(fa)[0]
    family_services.family_finding_add(
        family_audit=fa,
        question=question,
        type="strength",
        text="Everyone's shared finding.",
        actor=people.auditor,
    )
    [only] = family_services.family_finding_add(
        family_audit=fa,
        question=question,
        type="area_for_development",
        text="Leo's wishes were not recorded.",
        actor=people.auditor,
        audit=leo_audit,
    )
    assert only.audit == leo_audit and only.shared_key is None
    assert not Finding.objects.filter(audit=maya_audit, text__startswith="Leo").exists()
    client.force_login(people.practitioner)
    maya_page = client.get(reverse("children:detail", args=["S1"])).content.decode()
    leo_page = client.get(reverse("children:detail", args=["S2"])).content.decode()
    assert "Everyone&#x27;s shared finding." in maya_page
    assert "Everyone&#x27;s shared finding." in leo_page
    assert "Leo&#x27;s wishes were not recorded." in leo_page
    assert "Leo&#x27;s wishes" not in maya_page


def test_a_finding_for_a_child_outside_the_family_audit_is_refused(fa, people, kids):
    _start(fa, people)
    other = services.audit_create(
        child=kids[2],
        template_slug="sgo-before-court",
        mode="paper",
        auditor=people.lead,
        actor=people.lead,
    )
    with pytest.raises(ValidationError):
        family_services.family_finding_add(
            family_audit=fa,
            question=_questions(fa)[0],
            type="strength",
            text="Wrong child.",
            actor=people.auditor,
            audit=other,
        )
    assert not Finding.objects.exists()


# --- moving together -----------------------------------------------------------------------


def test_every_childs_audit_moves_together(fa, people):
    _start(fa, people)
    assert {a.status for a in _audits(fa)} == {"in_progress"}
    for audit in _audits(fa):
        answer_everything(audit, people.auditor)
    moved = family_services.family_audit_transition(
        family_audit=fa,
        to="submitted",
        actor=people.auditor,
        overall_grades={a.pk: "good" for a in _audits(fa)},
    )
    assert [a.status for a in moved] == ["submitted", "submitted"]
    assert {services.current_overall_grade(a).grade.slug for a in _audits(fa)} == {"good"}


def test_if_one_child_cannot_move_none_does(fa, people):
    _start(fa, people)
    maya_audit, leo_audit = _audits(fa)
    answer_everything(maya_audit, people.auditor)
    with pytest.raises(services.Conflict, match=r"Leo Stone \(S2\): Answer every required"):
        family_services.family_audit_transition(
            family_audit=fa,
            to="submitted",
            actor=people.auditor,
            overall_grades={maya_audit.pk: "good", leo_audit.pk: "good"},
        )
    assert {a.status for a in _audits(fa)} == {"in_progress"}
    assert services.current_overall_grade(maya_audit) is None


def test_no_child_moves_when_one_is_no_longer_visible_to_the_actor(client, fa, people, kids):
    """A sibling restricted after allocation: the auditor sees only the other, and may not
    move (or answer for) just that one, on the page or through the service."""
    from assure.audits import family_selectors
    from assure.core.models import AccessEvent

    _, leo, _, _ = kids
    leo.restricted = True
    leo.save()
    _, visible = family_selectors.family_audit_get_for_user(
        user=people.auditor, family_audit_id=fa.pk, via=AccessEvent.Via.PAGE, where="/t"
    )
    assert [a.child.child_id for a in visible] == ["S1"]
    with pytest.raises(services.Conflict, match="every child"):
        family_services.family_audit_transition(
            family_audit=fa, to="in_progress", actor=people.auditor, audits=visible
        )
    assert {a.status for a in _audits(fa)} == {"scheduled"}


def test_only_the_auditor_starts(fa, people):
    with pytest.raises(services.Forbidden):
        family_services.family_audit_transition(
            family_audit=fa, to="in_progress", actor=people.other_auditor
        )
    assert {a.status for a in _audits(fa)} == {"scheduled"}


# --- access --------------------------------------------------------------------------------


@pytest.fixture
def fa_with_hidden(people, kids):
    """The lead audits all three, the restricted sibling included, herself."""
    maya, leo, hidden, family = kids
    return family_services.family_audit_create(
        children=[maya, leo, hidden],
        template_slug="sgo-before-court",
        auditor=people.lead,
        actor=people.lead,
        family=family,
    )


def test_a_restricted_sibling_is_never_shown_or_counted(client, fa_with_hidden, people):
    assert fa_with_hidden.child_audits.count() == 3
    client.force_login(people.practitioner)
    url = reverse("audits:family_detail", args=[fa_with_hidden.pk])
    html = normalised(client.get(url).content.decode())
    assert "Maya" in html and "Leo" in html
    assert "S3" not in normalised(html) and "Secret" not in html
    logged = AccessEvent.objects.filter(where=url).values_list("child__child_id", flat=True)
    assert sorted(logged) == ["S1", "S2"]
    family_page = client.get(reverse("families:detail", args=["STONE"])).content.decode()
    assert fa_with_hidden.title in family_page
    assert "Secret" not in family_page
    # The lead, who may see the restricted child, sees all three.
    client.force_login(people.lead)
    assert "Secret Sibling" in client.get(url).content.decode()


def test_the_family_audit_page_is_404_for_someone_who_sees_none_of_its_children(client, fa, people):
    client.force_login(people.south_manager)
    url = reverse("audits:family_detail", args=[fa.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("audits:family_detail", args=[fa.pk + 999])).status_code == 404
    assert (
        client.post(
            reverse("audits:family_transition", args=[fa.pk]), {"to": "in_progress"}
        ).status_code
        == 404
    )


def test_restricted_siblings_access_list_sees_them(client, fa_with_hidden, people, kids):
    ChildAccess.objects.create(child=kids[2], user=people.practitioner)
    client.force_login(people.practitioner)
    html = client.get(reverse("audits:family_detail", args=[fa_with_hidden.pk])).content.decode()
    assert "Secret Sibling" in html


def test_each_childs_own_audit_page_links_the_family_audit_and_marks_shared_findings(
    client, fa, people
):
    _start(fa, people)
    maya_audit, _ = _audits(fa)
    family_services.family_finding_add(
        family_audit=fa,
        question=_questions(fa)[0],
        type="strength",
        text="Shared one.",
        actor=people.auditor,
    )
    client.force_login(people.auditor)
    html = client.get(reverse("audits:detail", args=[maya_audit.pk])).content.decode()
    assert reverse("audits:family_detail", args=[fa.pk]) in html
    assert "Shared one." in html and "Shared with siblings" in html
