"""One period of care as a story, told in days of the child's age.

Nothing here knows today's date or the database: a story is a list of steps (legal status and
placement from a given age), an exit, and the court, planning and assessment events around
them, each at an age in days. `families.py` anchors a story in the calendar and cuts it at
today, so that the same story is an open case for one child and a closed one for another.

Each archetype below is one of the common routes through care, with its usual timings
(care proceedings in about 26 weeks, matching for adoption, a kinship carer assessed then
granted an SGO, ...). Rules the DfE validator checks hold by construction: an SGO exit follows
a foster placement and comes before 18; placement with parents is always provider PR0.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from assure.children.care.exits import HISTORIC_SGO_EXIT_CODES, SGO_EXIT_CODES

YEAR = 365
FOSTER = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
# The SGO exits a return made today carries (the historic E43 and E44 are not generated).
SGO_EXITS = SGO_EXIT_CODES - HISTORIC_SGO_EXIT_CODES
LATEST_SGO_AGE = 17 * YEAR + 180  # well before 18: an SGO exit at 18 or over is invalid


def pick(rng: random.Random, weighted: dict[str, float]) -> str:
    """One key, chosen by weight. The same draw as `rng.choices(keys, weights)[0]` (one
    `random()` against the running total) without building lists: this runs millions of
    times at national scale."""
    target = rng.random() * sum(weighted.values())
    total = 0.0
    for key, weight in weighted.items():
        total += weight
        if target < total:
            return key
    return key


@dataclass
class Step:
    """From age `at`: this legal status, this placement, this carer (a number in the story)."""

    at: int
    ls: str
    place: str
    carer: int
    reason: str = ""  # REASON_PLACE_CHANGE when the placement changed


@dataclass
class Hearing:
    at: int
    kind: str
    outcome: str = ""


@dataclass
class Proc:
    kind: str  # codes.ApplicationType
    issue: int
    hearings: list[Hearing] = field(default_factory=list)
    ends: int | None = None
    status_at_end: str = "concluded"
    outcome: str = ""


@dataclass
class Assessment:
    stage: str  # viability / full
    carer: str
    relationship: str
    start: int
    done: int
    recommendation: str


@dataclass
class Support:
    agreed: int
    financial: bool
    summary: str
    assessment: Assessment


@dataclass
class Story:
    """A period of care being told. `t` is the child's age in days at the current point."""

    rng: random.Random
    person: Callable[[], str]
    t: int
    cin: str
    steps: list[Step] = field(default_factory=list)
    exit_code: str = ""
    exit_at: int | None = None
    exit_on_birthday: bool = False
    uasc: bool = False
    procs: list[Proc] = field(default_factory=list)
    plans: list[tuple[int, str, str]] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    support: list[Support] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)
    _carers: int = 0

    @property
    def entry(self) -> int:
        return self.steps[0].at

    @property
    def place(self) -> str:
        return self.steps[-1].place

    @property
    def ls(self) -> str:
        return self.steps[-1].ls

    def wait(self, low: int, high: int) -> int:
        self.t += self.rng.randint(low, high)
        return self.t

    def _new_carer(self) -> int:
        self._carers += 1
        return self._carers

    def begin(self, ls: str, place: str) -> None:
        self.steps.append(Step(self.t, ls, place, self._new_carer()))

    def change(
        self,
        *,
        ls: str | None = None,
        place: str | None = None,
        same_carer: bool = False,
        reason: str = "CARPL",
    ) -> None:
        """A new episode from now: a legal status change, a move, or both. Two changes on one
        day would make two episodes with one start date, so a later change waits a day."""
        last = self.steps[-1]
        self.t = max(self.t, last.at + 1)
        moved = place is not None
        carer = last.carer if (same_carer or not moved) else self._new_carer()
        self.steps.append(
            Step(self.t, ls or last.ls, place or last.place, carer, reason if moved else "")
        )

    def plan(self, at: int, plan: str, parallel: str = "") -> None:
        if not self.plans or self.plans[-1][1:] != (plan, parallel):
            self.plans.append((max(at, self.entry + 1), plan, parallel))

    def leave(self, code: str) -> None:
        self.t = max(self.t, self.steps[-1].at + 1)
        if code in SGO_EXITS:
            # The DfE rules: an SGO exit follows a foster placement and comes before 18.
            assert self.place in FOSTER and self.t <= LATEST_SGO_AGE, (code, self.place, self.t)
        self.exit_code, self.exit_at = code, self.t

    def leave_at_18(self, code: str) -> None:
        self.t = max(18 * YEAR + 5, self.steps[-1].at + 1)
        self.exit_code, self.exit_at, self.exit_on_birthday = code, self.t, True

    def court(self, kind: str, *, issue: int, length: tuple[int, int] = (165, 235)) -> Proc:
        """Proceedings issued at `issue` with the usual hearings: CMH within weeks, sometimes
        a further CMH, an IRH, then the final hearing (some run past 26 weeks)."""
        rng = self.rng
        final = issue + rng.randint(*length)
        hearings = [Hearing(issue + rng.randint(12, 25), "cmh", "Directions given")]
        if final - issue >= 150 and rng.random() < 0.35:
            hearings.append(Hearing(issue + rng.randint(50, 90), "fcmh", "Directions given"))
        if final - issue >= 110:
            hearings.append(
                Hearing(final - rng.randint(25, 60), "irh", "Issues narrowed; final hearing listed")
            )
        hearings.append(Hearing(final, "final", ""))
        proc = Proc(kind, issue, hearings, final)
        self.procs.append(proc)
        return proc

    def conclude(self, proc: Proc, outcome: str, *, status: str = "concluded") -> None:
        proc.outcome, proc.status_at_end = outcome, status
        proc.hearings[-1].outcome = outcome

    def assess(
        self,
        stage: str,
        *,
        start: int,
        carer: str,
        relationship: str,
        recommendation: str,
        days: tuple[int, int],
    ) -> Assessment:
        item = Assessment(
            stage, carer, relationship, start, start + self.rng.randint(*days), recommendation
        )
        self.assessments.append(item)
        return item


# The archetypes. Each tells one period of care from the story's current age.


def adoption(s: Story, **_: object) -> None:
    """A baby or young child: care proceedings, a placement order, matched, adopted."""
    rng = s.rng
    if rng.random() < 0.06:  # a relinquished baby, placed with consent
        s.begin("V2", "U5")
        s.plan(s.t + rng.randint(10, 25), "adoption")
        s.wait(30, 120)
        s.change(place="A3", same_carer=True, reason="PLACE")
        s.wait(180, 400)
        s.leave("E11")
        return
    first = pick(rng, {"C1": 0.5, "V2": 0.35, "L2": 0.15})
    s.begin(first, pick(rng, {"U6": 0.72, "U5": 0.12, "R3": 0.1, "U3": 0.06}))
    if first != "C1":
        s.wait(1, 8) if first == "L2" else s.wait(10, 90)
        if s.place == "R3":
            s.change(ls="C1", place="U6", reason="CARPL")
        else:
            s.change(ls="C1")
    care = s.court("care", issue=s.t - rng.randint(0, 3))
    s.plan(care.issue + rng.randint(15, 35), "return_home", "adoption")
    for _ in range(rng.choice([0, 1, 1, 2])):
        s.assess(
            "viability",
            start=care.issue + rng.randint(14, 50),
            carer=s.person(),
            relationship=pick(rng, {"relative": 0.8, "friend": 0.2}),
            recommendation=pick(rng, {"negative": 0.75, "withdrawn": 0.25}),
            days=(14, 45),
        )
    s.plan(care.hearings[-2].at - rng.randint(20, 60), "adoption", "")
    s.t = care.ends or s.t
    if rng.random() < 0.6:
        s.conclude(care, "Care order and placement order")
        placement = Proc(
            "placement",
            care.issue + rng.randint(60, 120),
            [Hearing(care.ends or s.t, "final", "Placement order")],
            care.ends,
        )
        placement.outcome = "Placement order"
        s.procs.append(placement)
        s.change(ls="E1")
    else:
        s.conclude(care, "Care order")
        s.change(ls="C2")
        s.wait(60, 150)
        placement = s.court("placement", issue=s.t, length=(60, 120))
        s.conclude(placement, "Placement order")
        s.t = placement.ends or s.t
        s.change(ls="E1")
    if s.place == "U5":
        s.wait(20, 90)
        s.change(place="A5", same_carer=True, reason="PLACE")
    else:
        s.wait(60, 220)
        s.change(place=rng.choice(["A6", "A6", "A5"]), same_carer=False, reason="CARPL")
    s.wait(180, 420)
    s.leave(pick(rng, {"E12": 0.6, "E11": 0.4}))


def kinship_sgo(s: Story, *, route: str = "", full: str = "", **_: object) -> None:
    """Care proceedings, relatives assessed, and a special guardianship order: made at the end
    of the care proceedings, or later on the carers' own application after a care order."""
    rng = s.rng
    first = pick(rng, {"C1": 0.55, "V2": 0.35, "L2": 0.1})
    s.begin(first, pick(rng, {"U6": 0.6, "U3": 0.4}))
    if first != "C1":
        s.wait(2, 8) if first == "L2" else s.wait(30, 200)
        s.change(ls="C1")
    care = s.court("care", issue=s.t - rng.randint(0, 3))
    s.plan(care.issue + rng.randint(15, 35), "return_home", "sgo")
    relationship = pick(rng, {"relative": 0.72, "friend": 0.14, "foster_carer": 0.1, "other": 0.04})
    if relationship in {"foster_carer", "other"} and s.place != "U6":
        relationship = "relative"
    carer = s.person()
    chosen = None
    for i in range(rng.choice([1, 1, 2, 3])):
        start = care.issue + rng.randint(7, 35)
        if i == 0:
            chosen = s.assess(
                "viability",
                start=start,
                carer=carer,
                relationship=relationship,
                recommendation="positive",
                days=(14, 40),
            )
        else:
            s.assess(
                "viability",
                start=start,
                carer=s.person(),
                relationship=pick(rng, {"relative": 0.8, "friend": 0.2}),
                recommendation=pick(rng, {"negative": 0.6, "withdrawn": 0.2, "positive": 0.2}),
                days=(14, 45),
            )
    assert chosen is not None
    s.plan(
        chosen.done + rng.randint(5, 30),
        "sgo",
        "adoption" if s.entry < 2 * YEAR else "long_term_fostering",
    )
    if s.place == "U6" and relationship in {"relative", "friend"} and rng.random() < 0.6:
        s.t = chosen.done + rng.randint(3, 30)
        s.change(place="U3", reason="CARPL")
    route = route or pick(rng, {"in_care_proceedings": 0.55, "after_care_order": 0.45})
    outcome = full or pick(rng, {"positive": 0.82, "negative": 0.11, "withdrawn": 0.07})
    if route == "in_care_proceedings":
        full_assessment = s.assess(
            "full",
            start=chosen.done + rng.randint(3, 20),
            carer=carer,
            relationship=relationship,
            recommendation=outcome,
            days=(70, 110),
        )
        s.marks["full_start"], s.marks["full_done"] = full_assessment.start, full_assessment.done
        care.ends = max(care.ends or 0, full_assessment.done + rng.randint(20, 45))
        care.hearings[-1].at = care.ends
        s.t = care.ends
        if outcome == "positive":
            _support(s, full_assessment, before=care.ends)
            s.conclude(care, "Special guardianship order")
            s.marks["sgo_issue"] = care.issue
            s.leave(_sgo_code(s, relationship))
            return
        s.conclude(care, "Care order")
        s.change(ls="C2")
        _long_term(s, plan_at=care.ends)
        return
    s.conclude(care, "Care order")
    s.t = care.ends or s.t
    s.change(ls="C2")
    if s.place in {"U3", "U6"} and rng.random() < 0.5:
        s.wait(20, 120)
        s.change(place="U1" if s.place == "U3" else "U4", same_carer=True, reason="PLACE")
    s.wait(150, 800)
    sgo = s.court("sgo", issue=s.t, length=(100, 200))
    s.marks["sgo_issue"] = sgo.issue
    full_assessment = s.assess(
        "full",
        start=sgo.issue - rng.randint(10, 60),
        carer=carer,
        relationship=relationship,
        recommendation=outcome,
        days=(60, 95),
    )
    s.marks["full_start"], s.marks["full_done"] = full_assessment.start, full_assessment.done
    sgo.ends = max(sgo.ends or 0, full_assessment.done + rng.randint(20, 40))
    sgo.hearings[-1].at = sgo.ends
    s.t = sgo.ends
    if outcome == "positive" and s.t <= LATEST_SGO_AGE:
        _support(s, full_assessment, before=sgo.ends)
        s.conclude(sgo, "Special guardianship order")
        s.leave(_sgo_code(s, relationship))
        return
    s.conclude(sgo, "Application withdrawn", status="withdrawn")
    _long_term(s, plan_at=s.t)


def _sgo_code(s: Story, relationship: str) -> str:
    """E45/E46 go to the child's former foster carer; E47/E48 to another carer."""
    kin = relationship in {"relative", "friend"}
    if s.place in {"U1", "U2", "U3"}:
        return "E45"
    if relationship == "foster_carer":
        return "E46"
    return "E47" if kin else "E48"


def _support(s: Story, assessment: Assessment, *, before: int) -> None:
    rng = s.rng
    agreed = min(before - 1, assessment.done + rng.randint(7, 30))
    financial = rng.random() < 0.7
    summary = rng.choice(
        [
            "Allowance, therapeutic parenting course and support with family time",
            "Allowance and a named SGO support worker for the first year",
            "Life-story work, contact supervision and peer support group",
            "Help with housing adaptations; education support through the virtual school",
            "Support with contact arrangements and access to the SGO support group",
        ]
    )
    s.support.append(Support(agreed, financial, summary, assessment))


def _long_term(s: Story, *, plan_at: int) -> None:
    """Stays in care: long-term fostering, the odd move, and leaving care at 18."""
    rng = s.rng
    s.plan(plan_at + rng.randint(10, 60), "long_term_fostering")
    if s.place in {"U3", "U6"} and rng.random() < 0.6:
        s.wait(30, 200)
        if s.t < 17 * YEAR:
            s.change(place="U1" if s.place == "U3" else "U4", same_carer=True, reason="PLACE")
    while True:
        gap = rng.randint(200, 1400)
        if s.t + gap > 17 * YEAR + 300:
            break
        s.t += gap
        age = s.t
        if age >= 16 * YEAR and rng.random() < 0.45:
            s.change(place=pick(rng, {"K3": 0.6, "H5": 0.4}), reason="CARPL")
            break
        if age >= 11 * YEAR and rng.random() < 0.2:
            s.change(
                place="K2",
                reason=pick(rng, {"CREQB": 0.5, "CHILD": 0.2, "STAND": 0.1, "LAREQ": 0.2}),
            )
            s.plan(s.t + 40, "residential")
            continue
        s.change(
            place=pick(rng, {"U4": 0.6, "U6": 0.4}),
            reason=pick(
                rng,
                {
                    "CREQB": 0.3,
                    "CREQO": 0.25,
                    "CARPL": 0.2,
                    "STAND": 0.08,
                    "ALLEG": 0.05,
                    "CLOSE": 0.07,
                    "APPRR": 0.05,
                },
            ),
        )
    if s.place in FOSTER:
        s.leave_at_18(pick(rng, {"E17": 0.45, "E5": 0.35, "E6": 0.1, "E8": 0.05, "E7": 0.05}))
    else:
        s.leave_at_18(pick(rng, {"E5": 0.75, "E6": 0.25}))


def long_term_fostering(s: Story, **_: object) -> None:
    """Care order or section 20, then long-term foster care until 18."""
    rng = s.rng
    first = pick(rng, {"C1": 0.5, "V2": 0.4, "L2": 0.1})
    s.begin(first, pick(rng, {"U6": 0.85, "U3": 0.15}))
    s.plan(s.t + rng.randint(15, 35), "return_home")
    if first == "V2" and rng.random() < 0.5:
        _long_term(s, plan_at=s.t + rng.randint(60, 200))
        return
    if first != "C1":
        s.wait(2, 8) if first == "L2" else s.wait(60, 400)
        s.change(ls="C1")
    care = s.court("care", issue=s.t - rng.randint(0, 3))
    s.conclude(care, "Care order")
    s.plan(care.hearings[-2].at - rng.randint(10, 40), "long_term_fostering", "return_home")
    s.t = care.ends or s.t
    s.change(ls="C2")
    _long_term(s, plan_at=s.t)


def return_home(s: Story, **_: object) -> None:
    """Back to parents: a short section 20 stay, or care proceedings ending with the child
    placed with parents (a supervision order, or a care order later discharged)."""
    rng = s.rng
    if rng.random() < 0.5:
        s.begin("V2", "K2" if s.t >= 12 * YEAR and rng.random() < 0.4 else "U6")
        s.plan(s.t + rng.randint(15, 30), "return_home")
        if rng.random() < 0.3:
            s.wait(20, 120)
            s.change(place="U6", reason=pick(rng, {"CREQO": 0.4, "CHILD": 0.3, "CREQB": 0.3}))
        s.wait(30, 270)
        s.leave(pick(rng, {"E4A": 0.7, "E4B": 0.3}))
        return
    first = pick(rng, {"C1": 0.7, "L2": 0.3})
    s.begin(first, "U6")
    if first != "C1":
        s.wait(2, 8)
        s.change(ls="C1")
    care = s.court("care", issue=s.t - rng.randint(0, 3))
    s.plan(care.issue + rng.randint(15, 35), "return_home", "long_term_fostering")
    s.wait(60, 150)
    s.change(place="P1", reason="CARPL")
    s.plan(s.t + rng.randint(5, 20), "placement_with_parents")
    s.t = care.ends or s.t
    if rng.random() < 0.5:
        s.conclude(care, "Supervision order")
        s.leave("E4A")
        return
    s.conclude(care, "Care order")
    s.change(ls="C2")
    s.wait(180, 700)
    s.plan(s.t, "revocation")
    discharge = s.court("discharge", issue=s.t + rng.randint(10, 40), length=(60, 120))
    s.conclude(discharge, "Care order discharged")
    s.t = discharge.ends or s.t
    s.leave("E4A")


def arrangements_order(s: Story, **_: object) -> None:
    """Placed with a relative in care proceedings, which end with a child arrangements order."""
    rng = s.rng
    s.begin("C1", pick(rng, {"U6": 0.5, "U3": 0.5}))
    care = s.court("care", issue=s.t - rng.randint(0, 3))
    s.plan(care.issue + rng.randint(15, 35), "return_home", "cao")
    viability = s.assess(
        "viability",
        start=care.issue + rng.randint(7, 30),
        carer=s.person(),
        relationship="relative",
        recommendation="positive",
        days=(14, 40),
    )
    if s.place == "U6":
        s.t = viability.done + rng.randint(3, 25)
        s.change(place="U3", reason="CARPL")
    s.plan(viability.done + rng.randint(10, 30), "cao")
    s.t = care.ends or s.t
    s.conclude(care, "Child arrangements order")
    s.leave("E41")


def adolescent(s: Story, **_: object) -> None:
    """A teenager: section 20 (or remand), residential and foster placements, moves, and an
    exit home, to someone else, to independence, or at 18."""
    rng = s.rng
    if rng.random() < 0.06:  # remanded to local authority accommodation
        s.cin = "N6"
        s.begin("J1", pick(rng, {"K2": 0.5, "U6": 0.3, "K1": 0.2}))
        s.wait(20, 120)
        s.leave("E14")
        return
    first = pick(rng, {"V2": 0.85, "C1": 0.15})
    places = {"K2": 0.35, "U6": 0.42, "R1": 0.05, "U3": 0.08, "Z14": 0.02}
    if s.t >= 16 * YEAR:
        places["K3"] = 0.15
    s.begin(first, pick(rng, places))
    s.plan(s.t + rng.randint(15, 35), "return_home")
    if first == "C1":
        care = s.court("care", issue=s.t - rng.randint(0, 3))
        s.conclude(care, "Care order")
        s.t = care.ends or s.t
        s.change(ls="C2")
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        if s.t + 200 > 17 * YEAR + 300:
            break
        s.wait(40, 300)
        s.change(
            place=pick(rng, {"K2": 0.45, "U6": 0.35, "K3": 0.1, "R1": 0.05, "U4": 0.05})
            if s.t < 16 * YEAR
            else pick(rng, {"K3": 0.6, "H5": 0.2, "K2": 0.2}),
            reason=pick(
                rng,
                {
                    "CHILD": 0.3,
                    "CREQB": 0.3,
                    "STAND": 0.1,
                    "ALLEG": 0.1,
                    "LAREQ": 0.1,
                    "CLOSE": 0.1,
                },
            ),
        )
    code = pick(
        rng,
        {
            "E4B": 0.2,
            "E4A": 0.15,
            "E13": 0.08,
            "E8": 0.04,
            "E9": 0.03,
            "E16": 0.01,
            "E3": 0.04,
            "at18": 0.45,
        },
    )
    gap = rng.randint(60, 700)
    if code == "at18" or s.t + gap >= 18 * YEAR:
        s.plan(s.t + rng.randint(30, 90), "supported_living")
        if s.place in FOSTER:
            s.leave_at_18(pick(rng, {"E17": 0.2, "E5": 0.6, "E6": 0.2}))
        else:
            s.leave_at_18(pick(rng, {"E5": 0.75, "E6": 0.2, "E7": 0.05}))
        return
    s.t += gap
    s.leave(code)


def unaccompanied(s: Story, **_: object) -> None:
    """An unaccompanied asylum-seeking child, usually 15 to 17 on arrival."""
    rng = s.rng
    s.uasc = True
    places = {"U6": 0.4, "K2": 0.1}
    if s.t >= 16 * YEAR:
        places.update({"K3": 0.35, "H5": 0.15})
    s.begin("V2", pick(rng, places))
    s.plan(s.t + rng.randint(15, 35), "supported_living")
    route = pick(rng, {"E3": 0.12, "E15": 0.05, "at18": 0.83})
    if route != "at18":
        s.wait(10, 200)
        s.leave(route)
        return
    if s.t < 16 * YEAR and rng.random() < 0.5:
        s.t = 16 * YEAR + rng.randint(0, 200)
        s.change(place="K3", reason="CARPL")
    if s.place in FOSTER:
        s.leave_at_18(pick(rng, {"E17": 0.3, "E5": 0.5, "E6": 0.2}))
    else:
        s.leave_at_18(pick(rng, {"E5": 0.75, "E6": 0.25}))


def brief_stay(s: Story, **_: object) -> None:
    """A short stay that ends another way: another council takes over, the child goes to live
    with someone without parental responsibility, or another reason."""
    rng = s.rng
    s.begin("V2", pick(rng, {"U6": 0.6, "K2": 0.25, "U3": 0.15}))
    s.plan(s.t + rng.randint(15, 35), "return_home")
    s.wait(10, 300)
    s.leave(pick(rng, {"E3": 0.45, "E13": 0.35, "E8": 0.17, "E2": 0.03}))


def reentry(s: Story, **_: object) -> None:
    """A child back in care after going home or after an order broke down."""
    rng = s.rng
    if s.t >= 12 * YEAR:
        adolescent(s)
        return
    first = pick(rng, {"V2": 0.5, "C1": 0.5})
    s.begin(first, pick(rng, {"U6": 0.8, "U3": 0.2}))
    if first == "C1":
        care = s.court("care", issue=s.t - rng.randint(0, 3))
        s.conclude(care, "Care order")
        s.plan(s.t + rng.randint(15, 35), "return_home", "long_term_fostering")
        s.t = care.ends or s.t
        s.change(ls="C2")
        _long_term(s, plan_at=s.t)
    else:
        _long_term(s, plan_at=s.t + rng.randint(60, 200))


# Name -> (function, weight, range of ages at entry in days, category of need weights).
ARCHETYPES: dict[str, tuple[Callable[..., None], float, tuple[int, int], dict[str, float]]] = {
    "adoption": (adoption, 0.10, (0, 3 * YEAR), {"N1": 0.85, "N3": 0.05, "N5": 0.1}),
    "kinship_sgo": (kinship_sgo, 0.17, (0, 12 * YEAR), {"N1": 0.75, "N3": 0.05, "N5": 0.2}),
    "return_home": (return_home, 0.15, (0, 15 * YEAR), {"N1": 0.5, "N4": 0.25, "N5": 0.25}),
    "long_term_fostering": (
        long_term_fostering,
        0.22,
        (0, 12 * YEAR),
        {"N1": 0.75, "N2": 0.06, "N3": 0.05, "N5": 0.14},
    ),
    "adolescent": (
        adolescent,
        0.18,
        (12 * YEAR, 16 * YEAR + 300),
        {"N1": 0.35, "N4": 0.25, "N5": 0.25, "N6": 0.1, "N2": 0.05},
    ),
    "unaccompanied": (unaccompanied, 0.07, (14 * YEAR, 17 * YEAR + 200), {"N8": 0.8, "N4": 0.2}),
    "arrangements_order": (arrangements_order, 0.04, (YEAR, 12 * YEAR), {"N1": 0.7, "N5": 0.3}),
    "brief_stay": (brief_stay, 0.07, (2 * YEAR, 15 * YEAR), {"N4": 0.5, "N5": 0.3, "N7": 0.2}),
}
