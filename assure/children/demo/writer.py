"""Write generated children to the database in bulk.

Children are written a batch of families at a time: plain model objects, `bulk_create` with
primary keys returned (PostgreSQL and SQLite 3.35+), then everything that points at them.
Bulk inserts skip django-simple-history; seeded data has no history to keep.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from assure.people.models import StaffMember, Team, User

from ..models import (
    Child,
    ChildAccess,
    Episode,
    Hearing,
    PermanencePlan,
    PreviousPermanenceRecord,
    Proceedings,
    Review,
    SGOAssessment,
    SGOSupportPlan,
)
from .families import ChildSpec, EpisodeSpec

BATCH = 2000


class Writer:
    def __init__(self, *, teams: dict[str, Team], staff: dict[str, StaffMember]):
        self.teams = teams
        self.staff = staff
        self.users = {u.username: u for u in User.objects.filter(
            username__in=["practitioner", "teammanager"])}
        self.rows: Counter[str] = Counter()

    def write(self, specs: Iterable[ChildSpec]) -> None:
        specs = list(specs)
        children = [self._child(spec) for spec in specs]
        self._create(Child, children)
        episodes: list[Episode] = []
        reviews: list[Review] = []
        previous: list[PreviousPermanenceRecord] = []
        plans: list[PermanencePlan] = []
        assessments: list[SGOAssessment] = []
        access: list[ChildAccess] = []
        for spec, child in zip(specs, children, strict=True):
            episodes += [self._episode(child, e) for e in spec.episodes]
            reviews += [Review(child=child, review_date=d, review_code=c) for d, c in spec.reviews]
            previous += [
                PreviousPermanenceRecord(child=child, previous_permanence=code,
                                         la_of_permanence=la, date_of_permanence=when)
                for code, la, when in spec.previous_permanence
            ]
            plans += [
                PermanencePlan(child=child, plan=plan, parallel_plan=parallel, agreed_date=d,
                               source=PermanencePlan.Source.DEMO)
                for d, plan, parallel in spec.plans
            ]
            assessments += [
                SGOAssessment(child=child, assessment_id=a.assessment_id, carer_name=a.carer,
                              relationship=a.relationship, stage=a.stage, start_date=a.start,
                              completed_date=a.completed, recommendation=a.recommendation)
                for a in spec.assessments
            ]
            access += [ChildAccess(child=child, user=self.users[username], reason=reason)
                       for username, reason in spec.access if username in self.users]
        for model, objs in ((Episode, episodes), (Review, reviews),
                            (PreviousPermanenceRecord, previous), (PermanencePlan, plans),
                            (SGOAssessment, assessments), (ChildAccess, access)):
            self._create(model, objs)
        by_id = {a.assessment_id: a for a in assessments}
        support = [
            SGOSupportPlan(child=child, assessment=by_id[s.assessment_id], agreed_date=s.agreed,
                           review_date=s.review, financial_support=s.financial,
                           summary=s.summary)
            for spec, child in zip(specs, children, strict=True) for s in spec.support_plans
        ]
        self._create(SGOSupportPlan, support)
        self._proceedings(specs, children)

    def _proceedings(self, specs: list[ChildSpec], children: list[Child]) -> None:
        """Siblings share one set of proceedings: one row, linked to each of them."""
        procs: dict[str, Proceedings] = {}
        links: list[tuple[str, Child]] = []
        hearings: list[tuple[str, Hearing]] = []
        for spec, child in zip(specs, children, strict=True):
            for p in spec.proceedings:
                if p.proceedings_id not in procs:
                    procs[p.proceedings_id] = Proceedings(
                        proceedings_id=p.proceedings_id, application_type=p.kind,
                        issue_date=p.issue, court=p.court, case_number=p.case_number,
                        status=p.status, concluded_date=p.concluded, outcome=p.outcome,
                    )
                    hearings += [(p.proceedings_id, Hearing(hearing_date=h.date,
                                                            hearing_type=h.kind,
                                                            outcome=h.outcome))
                                 for h in p.hearings]
                links.append((p.proceedings_id, child))
        self._create(Proceedings, list(procs.values()))
        through = Proceedings.children.through
        self._create(through, [through(proceedings_id=procs[pid].pk, child_id=child.pk)
                               for pid, child in links])
        for pid, hearing in hearings:
            hearing.proceedings = procs[pid]
        self._create(Hearing, [h for _, h in hearings])

    def _child(self, spec: ChildSpec) -> Child:
        return Child(
            child_id=spec.child_id, first_name=spec.first_name, last_name=spec.last_name,
            date_of_birth=spec.dob, sex=spec.sex, ethnicity=spec.ethnicity, upn=spec.upn,
            uasc=spec.uasc, uasc_ceased_date=spec.uasc_ceased, disability=spec.disability,
            team=self.teams[spec.team],
            worker=self.staff[spec.worker] if spec.worker else None,
            iro=self.staff[spec.iro] if spec.iro else None,
            restricted=spec.restricted,
        )

    @staticmethod
    def _episode(child: Child, e: EpisodeSpec) -> Episode:
        return Episode(
            child=child, start_date=e.start, end_date=e.end, reason_new_episode=e.rne,
            legal_status=e.ls, category_of_need=e.cin, placement_type=e.place,
            placement_provider=e.provider, reason_ceased=e.rec,
            reason_place_change=e.reason_place_change, home_postcode=e.home_postcode,
            placement_postcode=e.placement_postcode, urn=e.urn,
        )

    def _create(self, model: type, objs: list) -> None:
        if objs:
            model.objects.bulk_create(objs, batch_size=BATCH)  # type: ignore[attr-defined]
            self.rows[model._meta.label] += len(objs)  # type: ignore[attr-defined]
