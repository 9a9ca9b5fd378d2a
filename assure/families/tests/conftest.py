"""A family of three: two children an auditor may see and a restricted sibling, with some of
everything in each record and proceedings all three share."""

import datetime as dt

import pytest

from assure.children.models import (
    Episode,
    Hearing,
    PermanencePlan,
    Proceedings,
    Review,
    SGOAssessment,
    SGOSupportPlan,
)
from assure.families.models import Family, FamilyMember
from assure.people.services import api_token_create
from tests.factories import ChildFactory, TeamFactory, UserFactory
from tests.html import normalised  # noqa: F401 (the families tests import it from here)

NOW = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)


def add_record(child, *, year: int, carer: str = "Pat Carer", plan: str = "sgo") -> None:
    """Ten events: entered care, legal status change, placement move (with legal status:
    two events), left care, a review, a plan, an assessment started and completed, a support
    plan."""
    Episode.objects.create(
        child=child,
        start_date=dt.date(year, 1, 10),
        reason_new_episode="S",
        legal_status="C1",
        placement_type="U3",
        end_date=dt.date(year, 3, 1),
        reason_ceased="X1",
    )
    Episode.objects.create(
        child=child,
        start_date=dt.date(year, 3, 1),
        reason_new_episode="L",
        legal_status="C2",
        placement_type="U3",
        end_date=dt.date(year, 6, 1),
        reason_ceased="X1",
    )
    Episode.objects.create(
        child=child,
        start_date=dt.date(year, 6, 1),
        reason_new_episode="B",
        legal_status="C2",
        placement_type="U1",
        reason_place_change="CARPL",
        end_date=dt.date(year + 1, 2, 1),
        reason_ceased="E45",
    )
    Review.objects.create(child=child, review_date=dt.date(year, 2, 5), review_code="PN1")
    PermanencePlan.objects.create(child=child, plan=plan, agreed_date=dt.date(year, 4, 1))
    assessment = SGOAssessment.objects.create(
        child=child,
        assessment_id=f"AS-{child.child_id}",
        carer_name=carer,
        relationship="relative",
        stage="full",
        start_date=dt.date(year, 5, 1),
        completed_date=dt.date(year, 8, 1),
        recommendation="sgo",
    )
    SGOSupportPlan.objects.create(
        child=child,
        assessment=assessment,
        agreed_date=dt.date(year, 9, 1),
        summary="Weekly support",
        financial_support=True,
    )


RECORD_EVENTS = 10


def add_shared_proceedings(children, *, proceedings_id: str = "PR1") -> Proceedings:
    """Issued, concluded and two hearings: four events, whoever they concern."""
    proc = Proceedings.objects.create(
        proceedings_id=proceedings_id,
        application_type="care",
        issue_date=dt.date(2020, 2, 1),
        court="Family Court at Exampleton",
        case_number="EX20C1",
        status="concluded",
        concluded_date=dt.date(2020, 12, 1),
        outcome="Care orders made",
    )
    proc.children.add(*children)
    Hearing.objects.create(proceedings=proc, hearing_date=dt.date(2020, 3, 1), hearing_type="cmh")
    Hearing.objects.create(proceedings=proc, hearing_date=dt.date(2020, 9, 1), hearing_type="irh")
    return proc


SHARED_EVENTS = 4


@pytest.fixture
def team(db):
    return TeamFactory(name="North")


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", roles=["auditor"])


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", roles=["assurance_lead"])


@pytest.fixture
def family(db, team):
    """F1: Alex (A1) and Bea (A2), visible to the auditor, and Rowan Hidden (R1), restricted."""
    a1 = ChildFactory(child_id="A1", first_name="Alex", last_name="Smith", team=team)
    a2 = ChildFactory(child_id="A2", first_name="Bea", last_name="Smith", team=team)
    r1 = ChildFactory(
        child_id="R1", first_name="Rowan", last_name="Hidden", team=team, restricted=True
    )
    add_record(a1, year=2020)
    add_record(a2, year=2021)
    add_record(r1, year=2019, carer="Secret Guardian", plan="adoption")
    add_shared_proceedings([a1, a2, r1])
    family = Family.objects.create(family_id="F1", name="The Smiths", created_at=NOW)
    for child, relationship in ((a1, "child"), (a2, "child"), (r1, "half-sibling")):
        FamilyMember.objects.create(
            family=family, child=child, relationship_to_family=relationship, linked_at=NOW
        )
    return family


def bearer_for(user) -> dict[str, str]:
    _, raw = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# Strings that would reveal the restricted sibling.
SECRETS = ("R1", "Rowan", "Hidden", "Secret Guardian", "Adoption", "Half-sibling")
