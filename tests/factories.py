"""factory_boy factories for the whole suite."""

import datetime as dt

import factory

from assure.children import models as child_models
from assure.core import clock
from assure.people.models import StaffMember, Team, User, UserRole


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password("a-long-test-password-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        for role in extracted or []:
            UserRole.objects.get_or_create(user=self, role=role)
        self.__dict__.pop("role_slugs", None)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if extracted:
            self.teams.add(*extracted)


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember
        django_get_or_create = ("name",)

    name = factory.Faker("name", locale="en_GB")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = child_models.Child
        django_get_or_create = ("child_id",)

    child_id = factory.Sequence(lambda n: f"C{n:06d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(2015, 5, 1)
    sex = "F"
    team = factory.SubFactory(TeamFactory)


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = child_models.Episode

    child = factory.SubFactory(ChildFactory)
    start_date = dt.date(2024, 1, 10)
    reason_new_episode = "S"
    legal_status = "C2"
    category_of_need = "N1"
    placement_type = "U4"
    placement_provider = "PR1"
    home_postcode = "AB1 2CD"
    placement_postcode = "AB3 4EF"
    urn = "SC123456"


class SocialCareEventFactory(factory.django.DjangoModelFactory):
    """An event as the Annex A importer stores it (a social work visit unless told)."""

    class Meta:
        model = child_models.SocialCareEvent

    child = factory.SubFactory(ChildFactory)
    kind = child_models.SocialCareEvent.Kind.SOCIAL_WORK_VISIT
    start_date = dt.date(2024, 2, 1)
    source_list = "List 8"
    recorded_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyFunction(clock.now)


class ProceedingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = child_models.Proceedings

    proceedings_id = factory.Sequence(lambda n: f"P{n:05d}")
    application_type = "care"
    issue_date = dt.date(2024, 1, 5)
    court = "Family Court at Exampleton"
    case_number = factory.Sequence(lambda n: f"EX24C{n:05d}")


class PermanencePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = child_models.PermanencePlan

    child = factory.SubFactory(ChildFactory)
    plan = "sgo"
    agreed_date = dt.date(2024, 4, 1)


class SGOAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = child_models.SGOAssessment

    child = factory.SubFactory(ChildFactory)
    assessment_id = factory.Sequence(lambda n: f"A{n:05d}")
    carer_name = factory.Faker("name", locale="en_GB")
    relationship = "relative"
    stage = "viability"
    start_date = dt.date(2024, 3, 1)
