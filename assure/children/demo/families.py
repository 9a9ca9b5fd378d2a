"""Families of children with their whole records, as plain data (no database).

A family is one story (stories.py) anchored in the calendar: we pick where today falls in it
(about 60% of children are still looked after), work out the date of birth from that, turn the
story's steps into 903 episodes, and cut everything at today: episodes not begun yet disappear,
the episode that spans today is open, hearings after today stay listed, assessments not
finished have no recommendation. Siblings share the story, the proceedings and the dates.

Everything is drawn from one `random.Random(seed)` and one seeded Faker, in a fixed order, so
the same seed and the same today give the same council.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import council, social_care
from .stories import ARCHETYPES, FOSTER, SGO_EXITS, YEAR, Proc, Story, pick, reentry

IN_CARE_SHARE = 0.56
SIBLING_ARCHETYPES = {"adoption", "kinship_sgo", "return_home", "arrangements_order"}
COURTS = [
    ("Family Court at Hartsmere", "HM"),
    ("Family Court at Kingsbury", "KB"),
    ("Family Court at Wexford Road", "WX"),
]
LOCAL_OUTWARD = [f"HR{n}" for n in range(1, 19)]
AWAY_OUTWARD = [
    "LS6",
    "M14",
    "B23",
    "NG5",
    "S8",
    "BD3",
    "CV2",
    "DE22",
    "LE4",
    "ST6",
    "WV10",
    "HU5",
    "DN4",
    "SK3",
    "WA5",
    "PR1",
    "BB2",
    "HD1",
    "WF2",
    "YO10",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
ETHNICITY = {
    "WBRI": 70,
    "WOTH": 5,
    "WIRI": 0.5,
    "WIRT": 0.3,
    "WROM": 0.7,
    "MWBC": 3,
    "MWBA": 1.5,
    "MWAS": 1.5,
    "MOTH": 4,
    "AIND": 0.7,
    "APKN": 1.5,
    "ABAN": 0.5,
    "AOTH": 1,
    "BCRB": 1.2,
    "BAFR": 3,
    "BOTH": 1,
    "CHNE": 0.2,
    "OOTH": 3,
    "REFU": 0.2,
    "NOBT": 0.3,
}
UASC_ETHNICITY = {"OOTH": 35, "BAFR": 25, "AOTH": 25, "WOTH": 10, "BOTH": 5}
DISABILITIES = [
    "Autism spectrum condition",
    "Learning disability",
    "Cerebral palsy",
    "Hearing impairment",
    "ADHD",
    "Visual impairment",
    "Global developmental delay",
]
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
REVIEW_CODES = {"PN1": 45, "PN2": 5, "PN3": 3, "PN4": 5, "PN5": 7, "PN6": 25, "PN7": 10}
ACCESS_REASONS = [
    "Named worker on a sensitive case",
    "Family member works for the council",
    "High-profile case: need-to-know only",
]


@dataclass
class EpisodeSpec:
    start: dt.date
    end: dt.date | None
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    rec: str
    reason_place_change: str
    home_postcode: str
    placement_postcode: str
    urn: str


@dataclass
class HearingSpec:
    date: dt.date
    kind: str
    outcome: str


@dataclass
class ProceedingsSpec:
    proceedings_id: str
    kind: str
    issue: dt.date
    court: str
    case_number: str
    status: str
    concluded: dt.date | None
    outcome: str
    hearings: list[HearingSpec]


@dataclass
class AssessmentSpec:
    assessment_id: str
    carer: str
    relationship: str
    stage: str
    start: dt.date
    completed: dt.date | None
    recommendation: str
    # The case-management system's ID for the person: siblings assessed with the same
    # carer share it.
    carer_id: str = ""


@dataclass
class SupportSpec:
    assessment_id: str
    agreed: dt.date | None
    review: dt.date | None
    financial: bool
    summary: str


@dataclass
class ChildSpec:
    child_id: str
    first_name: str
    last_name: str
    dob: dt.date
    sex: str
    ethnicity: str
    upn: str
    uasc: bool
    uasc_ceased: dt.date | None
    disability: str
    team: str
    worker: str | None
    iro: str | None
    restricted: bool = False
    access: list[tuple[str, str]] = field(default_factory=list)  # (username, reason)
    episodes: list[EpisodeSpec] = field(default_factory=list)
    reviews: list[tuple[dt.date, str]] = field(default_factory=list)
    previous_permanence: list[tuple[str, str, str]] = field(default_factory=list)
    plans: list[tuple[dt.date, str, str]] = field(default_factory=list)
    assessments: list[AssessmentSpec] = field(default_factory=list)
    support_plans: list[SupportSpec] = field(default_factory=list)
    proceedings: list[ProceedingsSpec] = field(default_factory=list)
    events: list[social_care.EventSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Showcase:
    """A child made on purpose so that every situation the tracker and the audit queue care
    about is in even a small demo."""

    archetype: str
    entry_age: tuple[int, int]
    window: tuple[str, str] | None = None  # today falls between these two marks
    left_ago: tuple[int, int] | None = None  # or: left care this many days ago
    options: tuple[tuple[str, str], ...] = ()
    broken_sgo: bool = False
    restricted: bool = False
    reenters: bool = False


SHOWCASE = [
    # An SGO application before the court now, a hearing coming up.
    Showcase(
        "kinship_sgo",
        (2 * YEAR, 6 * YEAR),
        window=("sgo_issue", "exit"),
        options=(("route", "after_care_order"), ("full", "positive")),
    ),
    # A full assessment completed and positive; the order is still to come.
    Showcase(
        "kinship_sgo",
        (YEAR, 5 * YEAR),
        window=("full_done", "exit"),
        options=(("route", "in_care_proceedings"), ("full", "positive")),
    ),
    # A full assessment in progress.
    Showcase("kinship_sgo", (YEAR, 8 * YEAR), window=("full_start", "full_done")),
    # An SGO granted in the last 12 months.
    Showcase("kinship_sgo", (YEAR, 8 * YEAR), left_ago=(30, 300), options=(("full", "positive"),)),
    # Back in care after an SGO broke down (PREV_PERM P2).
    Showcase(
        "long_term_fostering", (6 * YEAR, 10 * YEAR), window=("entry", "exit"), broken_sgo=True
    ),
    # A restricted child whose access list names the demo practitioner.
    Showcase("kinship_sgo", (YEAR, 6 * YEAR), window=("entry", "exit"), restricted=True),
    # Went home, came back into care.
    Showcase("return_home", (3 * YEAR, 8 * YEAR), left_ago=(500, 1500), reenters=True),
]


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class FamilyMaker:
    """Makes families one after another from one random stream."""

    def __init__(self, *, seed: int, today: dt.date, fake: object, roster: council.Roster):
        self.rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
        self.seed = seed
        self.fake = fake
        self.today = today
        self.roster = roster
        self.next_child = 400000
        self.next_proceedings = 0
        self.next_assessment = 0
        self.next_carer = 0
        self.showcase = list(SHOWCASE)
        self.homes = {
            kind: [
                (f"SC{self.rng.randint(100000, 999999)}", self._postcode(local=True))
                for _ in range(n)
            ]
            for kind, n in (("K2", 24), ("K1", 3), ("R1", 6), ("R3", 3), ("K3", 10), ("H5", 6))
        }
        self.agencies = [f"SC{self.rng.randint(100000, 999999)}" for _ in range(8)]
        self.fostering_service = f"SC{self.rng.randint(100000, 999999)}"

    # Small pieces.

    def _postcode(self, *, local: bool) -> str:
        rng = self.rng
        outward = rng.choice(LOCAL_OUTWARD if local else AWAY_OUTWARD)
        letters = rng.choice(INWARD_LETTERS) + rng.choice(INWARD_LETTERS)
        return f"{outward} {rng.randint(1, 9)}{letters}"

    def _person(self) -> str:
        return f"{self.fake.first_name()} {self.fake.last_name()}"  # type: ignore[attr-defined]

    def _upn(self) -> str:
        rng = self.rng
        digits = f"991{rng.randint(2000, 7999)}{rng.randint(10, 25)}{rng.randint(0, 999):03d}"
        check = UPN_LETTERS[sum(int(d) * w for d, w in zip(digits, range(2, 14), strict=True)) % 23]
        return check + digits

    def _child_id(self) -> str:
        self.next_child += self.rng.randint(1, 9)
        return str(self.next_child)

    def _placement(self, place: str, home: str) -> tuple[str, str, str]:
        """Provider, postcode and URN for a new placement (a new carer or home)."""
        rng = self.rng
        if place == "P1":
            return "PR0", home, "XXXXXXX"
        if place in self.homes:
            urn, postcode = rng.choice(self.homes[place])
            providers = {
                "K1": {"PR2": 0.7, "PR3": 0.3},
                "R3": {"PR4": 0.6, "PR1": 0.4},
                "K3": {"PR4": 0.6, "PR5": 0.25, "PR1": 0.15},
                "H5": {"PR4": 0.6, "PR5": 0.25, "PR1": 0.15},
            }
            return (
                pick(rng, providers.get(place, {"PR4": 0.75, "PR1": 0.2, "PR5": 0.05})),
                postcode,
                urn,
            )
        local = rng.random() < 0.7
        if place in {"U1", "U2", "U3"}:
            return "PR1", self._postcode(local=local), self.fostering_service
        if place in FOSTER:
            provider = pick(rng, {"PR1": 0.55, "PR4": 0.4, "PR5": 0.05})
            urn = self.fostering_service if provider == "PR1" else rng.choice(self.agencies)
            return provider, self._postcode(local=local), urn
        if place.startswith("A"):
            return (
                pick(rng, {"PR1": 0.5, "PR2": 0.3, "PR5": 0.2}),
                self._postcode(local=local),
                "XXXXXXX",
            )
        return "PR4", self._postcode(local=local), "XXXXXXX"

    # A family.

    def family(self, *, limit: int) -> list[ChildSpec]:
        rng = self.rng
        show = self.showcase.pop(0) if self.showcase else None
        if show:
            name, options = show.archetype, dict(show.options)
            entry = rng.randint(*show.entry_age)
        else:
            name = pick(rng, {k: v[1] for k, v in ARCHETYPES.items()})
            options = {}
            low, high = ARCHETYPES[name][2]
            entry = (
                rng.choice([rng.randint(0, 14), rng.randint(15, YEAR), rng.randint(low, high)])
                if name == "adoption"
                else rng.randint(low, high)
            )
        func, _, _, cin_weights = ARCHETYPES[name]
        story = Story(rng, self._person, entry, pick(rng, cin_weights))
        func(story, **options)
        assert story.exit_at is not None
        today_age = self._today_age(story, show)
        dob = self.today - dt.timedelta(days=today_age)
        stories = [story]
        reenters = (
            show.reenters
            if show
            else (
                story.exit_at < today_age
                and story.exit_code in {"E4A", "E4B", "E41", "E13"} | SGO_EXITS
                and rng.random() < 0.18
            )
        )
        if reenters:
            gap = rng.randint(60, 400) if show else rng.randint(60, 900)
            again = Story(rng, self._person, story.exit_at + gap, pick(rng, cin_weights))
            if again.t < min(today_age, 17 * YEAR):
                reentry(again)
                stories.append(again)
        size = 1
        if not show and name in SIBLING_ARCHETYPES and not story.exit_on_birthday:
            size = min(limit, int(pick(rng, {"1": 0.7, "2": 0.2, "3": 0.08, "4": 0.02})))
        return self._children(stories, dob=dob, size=size, show=show)

    def _today_age(self, story: Story, show: Showcase | None) -> int:
        rng = self.rng
        exit_at = story.exit_at or story.t
        marks = {"entry": story.entry, "exit": exit_at, **story.marks}
        if show and show.window:
            return rng.randint(marks[show.window[0]] + 1, marks[show.window[1]] - 1)
        if show and show.left_ago:
            return exit_at + rng.randint(*show.left_ago)
        if exit_at - story.entry >= 2 and rng.random() < IN_CARE_SHARE:
            return rng.randint(story.entry + 1, exit_at - 1)
        return exit_at + 1 + int(rng.triangular(0, 6 * YEAR, 0))

    def _children(
        self, stories: list[Story], *, dob: dt.date, size: int, show: Showcase | None
    ) -> list[ChildSpec]:
        rng = self.rng
        first = stories[0]
        last_name = self.fake.last_name()  # type: ignore[attr-defined]
        home = self._postcode(local=True)
        uasc = first.uasc
        ethnicity = pick(rng, UASC_ETHNICITY if uasc else ETHNICITY)
        court, court_code = rng.choice(COURTS)
        carers: dict[tuple[int, int], tuple[str, str, str]] = {}
        carer_ids: dict[str, str] = {}  # one ID per prospective special guardian in the family
        periods = [
            self._episodes(s, dob=dob, home=home, carers=carers, period=i)
            for i, s in enumerate(stories)
        ]
        periods = [p for p in periods if p]
        procs = [
            self._proceedings(p, dob=dob, court=court, court_code=court_code)
            for s in stories
            for p in s.procs
        ]
        procs = [p for p in procs if p is not None]
        children = []
        age_gap = 0
        for i in range(size):
            if i:
                age_gap += rng.randint(330, 1400)
                if not self._sibling_fits(first, age_gap):
                    break
            child_dob = dob - dt.timedelta(days=age_gap)
            child = self._child(
                child_dob,
                last_name if i == 0 or rng.random() < 0.85 else self.fake.last_name(),
                ethnicity,
                uasc,
            )  # type: ignore[attr-defined]
            child.episodes = [e for period in periods for e in period]
            child.reviews = [r for p in periods for r in self._reviews(p, dob=child_dob)]
            child.previous_permanence = self._previous_permanence(stories, dob, child_dob, show)
            child.plans = self._plans(stories, dob)
            child.assessments, child.support_plans = self._assessments(stories, dob, carer_ids)
            child.proceedings = procs
            self._allocate(child, stories, dob=dob, show=show)
            # From their own random streams (see social_care), so nothing above changes.
            child.events = social_care.child_events(
                child_id=child.child_id,
                family_key=children[0].child_id if children else child.child_id,
                dob=child_dob,
                episodes=child.episodes,
                uasc=uasc,
                worker=child.worker,
                seed=self.seed,
                today=self.today,
            )
            children.append(child)
        return children

    def _sibling_fits(self, story: Story, age_gap: int) -> bool:
        exit_age = (story.exit_at or 0) + age_gap
        if story.exit_code in SGO_EXITS:
            return exit_age <= 17 * YEAR
        return exit_age < 17 * YEAR and story.entry + age_gap < 16 * YEAR

    def _child(self, dob: dt.date, last_name: str, ethnicity: str, uasc: bool) -> ChildSpec:
        rng, fake = self.rng, self.fake
        sex = pick(rng, {"M": 0.53, "F": 0.46, "U": 0.01})
        first_name = (
            fake.first_name_female()
            if sex == "F"  # type: ignore[attr-defined]
            else fake.first_name_male()
            if sex == "M"  # type: ignore[attr-defined]
            else fake.first_name()
        )  # type: ignore[attr-defined]
        age = (self.today - dob).days
        eighteen = add_years(dob, 18)
        return ChildSpec(
            child_id=self._child_id(),
            first_name=first_name,
            last_name=last_name,
            dob=dob,
            sex=sex,
            ethnicity=ethnicity,
            upn=self._upn() if age >= 4 * YEAR and rng.random() < 0.9 else "",
            uasc=uasc,
            uasc_ceased=eighteen if uasc and eighteen <= self.today else None,
            disability=rng.choice(DISABILITIES) if rng.random() < 0.06 else "",
            team="",
            worker=None,
            iro=None,
        )

    def _date(self, dob: dt.date, age: int) -> dt.date:
        return dob + dt.timedelta(days=age)

    def _episodes(
        self,
        story: Story,
        *,
        dob: dt.date,
        home: str,
        carers: dict[tuple[int, int], tuple[str, str, str]],
        period: int,
    ) -> list[EpisodeSpec]:
        today = self.today
        steps = [s for s in story.steps if self._date(dob, s.at) <= today]
        exit_date = self._exit_date(story, dob)
        if exit_date and exit_date > today:
            exit_date = None
        if story.exit_code == "" or not steps:
            return []
        episodes: list[EpisodeSpec] = []
        for i, step in enumerate(steps):
            key = (period, step.carer)
            if key not in carers:
                carers[key] = self._placement(step.place, home)
            provider, postcode, urn = carers[key]
            if i == 0:
                rne = "S"
            else:
                before = steps[i - 1]
                legal = step.ls != before.ls
                moved = step.place != before.place or step.carer != before.carer
                same = step.carer == before.carer
                rne = (
                    ("U" if same else "B")
                    if legal and moved
                    else ("L" if legal else ("T" if same else "P"))
                )
            last = i == len(steps) - 1
            episodes.append(
                EpisodeSpec(
                    start=self._date(dob, step.at),
                    end=exit_date if last else self._date(dob, steps[i + 1].at),
                    rne=rne,
                    ls=step.ls,
                    cin=story.cin,
                    place=step.place,
                    provider=provider,
                    rec=(story.exit_code if exit_date else "") if last else "X1",
                    reason_place_change=step.reason if rne in {"P", "B", "T", "U"} else "",
                    home_postcode=home,
                    placement_postcode=postcode,
                    urn=urn,
                )
            )
        return episodes

    def _exit_date(self, story: Story, dob: dt.date) -> dt.date | None:
        if story.exit_at is None:
            return None
        if story.exit_on_birthday:
            return max(add_years(dob, 18), self._date(dob, story.steps[-1].at + 1))
        return self._date(dob, story.exit_at)

    def _reviews(self, episodes: list[EpisodeSpec], *, dob: dt.date) -> list[tuple[dt.date, str]]:
        """First review within 20 working days, the second within three months, then every
        six months; a few children have fallen behind."""
        rng = self.rng
        start = episodes[0].start
        stop = min(episodes[-1].end or self.today, self.today)
        late = rng.random() < 0.08
        when = start + dt.timedelta(days=rng.randint(30, 45) if late else rng.randint(10, 27))
        reviews = []
        gap = (60, 92)
        while when < stop:
            age = (when - dob).days
            reviews.append((when, "PN0" if age < 4 * YEAR else pick(rng, REVIEW_CODES)))
            when += dt.timedelta(days=rng.randint(*gap))
            gap = (190, 260) if rng.random() < 0.04 else (140, 183)
        if episodes[-1].end is None and rng.random() < 0.07 and len(reviews) > 2:
            reviews.pop()  # overdue today
        return reviews

    def _previous_permanence(
        self, stories: list[Story], dob: dt.date, child_dob: dt.date, show: Showcase | None
    ) -> list[tuple[str, str, str]]:
        rng = self.rng
        records = []
        for i, story in enumerate(stories):
            start = self._date(dob, story.entry)
            if start > self.today:
                continue
            if i:
                previous = stories[i - 1]
                code = (
                    "P2"
                    if previous.exit_code in SGO_EXITS
                    else "P3"
                    if previous.exit_code == "E41"
                    else "Z1"
                )
                left = self._exit_date(previous, dob)
                records.append(
                    (
                        code,
                        "991" if code != "Z1" else "",
                        left.strftime("%d/%m/%Y") if left and code != "Z1" else "",
                    )
                )
                continue
            code = (
                "P2"
                if show and show.broken_sgo
                else pick(rng, {"Z1": 0.88, "P2": 0.03, "P3": 0.02, "P1": 0.01, "P4": 0.06})
            )
            earliest, latest = child_dob + dt.timedelta(days=180), start - dt.timedelta(days=180)
            if code in {"P1", "P2", "P3"} and earliest < latest:
                when = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
                shown = when.strftime("%d/%m/%Y") if rng.random() < 0.7 else f"zz/zz/{when.year}"
                records.append((code, rng.choice(["991", "991", "873", "926", "886"]), shown))
            else:
                records.append(("Z1" if code != "P4" else "P4", "", ""))
        return list(dict.fromkeys(records))  # one row per code and date, as the 903 keeps

    def _plans(self, stories: list[Story], dob: dt.date) -> list[tuple[dt.date, str, str]]:
        plans = sorted(
            (self._date(dob, at), plan, parallel)
            for story in stories
            for at, plan, parallel in story.plans
        )
        return [p for p in plans if p[0] <= self.today]

    def _assessments(
        self, stories: list[Story], dob: dt.date, carer_ids: dict[str, str]
    ) -> tuple[list[AssessmentSpec], list[SupportSpec]]:
        found: list[AssessmentSpec] = []
        ids: dict[int, str] = {}
        for story in stories:
            for item in story.assessments:
                start = self._date(dob, item.start)
                if start > self.today:
                    continue
                done = self._date(dob, item.done)
                finished = done <= self.today
                self.next_assessment += 1
                ids[id(item)] = f"SGA-{self.next_assessment:06d}"
                if item.carer not in carer_ids:
                    self.next_carer += 1
                    carer_ids[item.carer] = f"CM-P{self.next_carer:06d}"
                found.append(
                    AssessmentSpec(
                        ids[id(item)],
                        item.carer,
                        item.relationship,
                        item.stage,
                        start,
                        done if finished else None,
                        item.recommendation if finished else "",
                        carer_ids[item.carer],
                    )
                )
        support: list[SupportSpec] = []
        for story in stories:
            for plan in story.support:
                assessment_id = ids.get(id(plan.assessment))
                if assessment_id is None or self._date(dob, plan.assessment.done) > self.today:
                    continue
                agreed = self._date(dob, plan.agreed)
                agreed_or_none = agreed if agreed <= self.today else None
                review = agreed + dt.timedelta(days=365) if agreed_or_none else None
                support.append(
                    SupportSpec(assessment_id, agreed_or_none, review, plan.financial, plan.summary)
                )
        return found, support

    def _proceedings(
        self, proc: Proc, *, dob: dt.date, court: str, court_code: str
    ) -> ProceedingsSpec | None:
        issue = self._date(dob, proc.issue)
        if issue > self.today:
            return None
        ends = self._date(dob, proc.ends) if proc.ends is not None else None
        finished = ends is not None and ends <= self.today
        self.next_proceedings += 1
        hearings = []
        for hearing in sorted(proc.hearings, key=lambda h: h.at):
            when = self._date(dob, hearing.at)
            hearings.append(
                HearingSpec(when, hearing.kind, hearing.outcome if when <= self.today else "")
            )
        return ProceedingsSpec(
            proceedings_id=f"PRO-{self.next_proceedings:06d}",
            kind=proc.kind,
            issue=issue,
            court=court,
            case_number=f"{court_code}{issue.year % 100:02d}C{self.rng.randint(1, 99999):05d}",
            status=proc.status_at_end if finished else "open",
            concluded=ends if finished else None,
            outcome=proc.outcome if finished else "",
            hearings=hearings,
        )

    def _allocate(
        self, child: ChildSpec, stories: list[Story], *, dob: dt.date, show: Showcase | None
    ) -> None:
        """Team by where the child's case sits today (or sat when they left care); a worker
        from that team; an IRO for most children in care; a few restricted records."""
        rng = self.rng
        last = child.episodes[-1]
        in_care = last.end is None
        plan = child.plans[-1][1] if child.plans else ""
        age = ((self.today if in_care else last.end or self.today) - child.dob).days
        if (show and show.restricted) or plan in {"sgo", "cao"} or last.rec in SGO_EXITS | {"E41"}:
            team = council.KINSHIP
        elif (
            last.ls in {"E1", "D1"}
            or last.place.startswith("A")
            or plan == "adoption"
            or last.rec in {"E11", "E12"}
        ):
            team = council.ADOPTION
        elif in_care and last.ls in {"C1", "L1", "L2", "L3"}:
            team = council.COURT
        elif child.uasc or age >= 15 * YEAR:
            team = council.ADOLESCENTS
        elif in_care and (self.today - child.episodes[0].start).days < 90:
            team = council.ASSESSMENT
        else:
            team = rng.choice([council.CIC_NORTH, council.CIC_SOUTH])
        child.team = team
        if in_care or rng.random() < 0.4:
            child.worker = rng.choice(self.roster.workers[team])
        if rng.random() < (0.92 if in_care else 0.3):
            child.iro = rng.choice(self.roster.iros)
        restricted = show.restricted if show else rng.random() < 0.008
        if restricted:
            child.restricted = True
            reason = rng.choice(ACCESS_REASONS)
            if team == council.KINSHIP:
                child.access = [("practitioner", reason), ("teammanager", reason)]
            elif rng.random() < 0.5:
                child.access = [("practitioner", reason)]


def generate(
    *, children: int, seed: int, today: dt.date, fake: object, roster: council.Roster
) -> Iterator[list[ChildSpec]]:
    """Families until there are `children` children."""
    maker = FamilyMaker(seed=seed, today=today, fake=fake, roster=roster)
    made = 0
    while made < children:
        family = maker.family(limit=children - made)
        made += len(family)
        yield family
