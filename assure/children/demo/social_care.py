"""A demo child's social care events beyond the 903 (children.SocialCareEvent), as plain data.

What Ofsted's Annex A lists would have given a council over the years, told from the child's
episodes once `families.py` has anchored them in the calendar:

- before each period of care, the way in: a contact, a referral, a single assessment and, for
  many, a section 47 enquiry and a child protection plan (lists 1, 3, 4, 5 and 7); for some,
  early help before the referral (list 2), and for most a child in need episode from the
  referral that closes when the child becomes looked after (list 6);
- while looked after, social work visits, IRO contacts, health assessments and dental checks
  (list 8), and pathway plan reviews from 16 (list 9);
- after leaving care at 18, pathway plan reviews and the council keeping in touch (list 9);
- the steps to adoption for those adopted or on their way (lists 10 and 11);
- after an exit home or to a permanent carer, for a minority, a new referral, and for fewer
  a section 47 enquiry and a child protection plan: what the exits page counts as outcomes
  after an exit; after going home, for some a step-down child in need plan, and for a few
  early help (which the exits page does not count).

Determinism without disturbing the rest of the demo: every draw here comes from its own
`random.Random`, seeded by the demo's seed and a child's ID (or the eldest sibling's, for what
a family shares: the referral that brought siblings into care is one referral), so the
children, episodes and everything else drawn from the family stream are exactly as before.

Rows: visits and checks every few weeks for years would be most of the demo's rows at
national scale, so those (list 8 and 9's recurring ones) are kept for the last
`RECURRING_YEARS` years only, as a council holding two years of Annex A returns would; the
help and protection events and the adoption steps, a handful a child, are kept whenever they
fell.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..codes import CategoryOfNeed
from .stories import YEAR, pick

RECURRING_YEARS = 2
# Left care at 18 as a care leaver (E15, found to be an adult, is not one).
CARE_LEAVERS = frozenset({"E5", "E6", "E7", "E17"})
ADOPTED = frozenset({"E11", "E12"})
EMERGENCY = frozenset({"L1", "L2", "L3"})

# After an exit by a decision (home, to special guardians, a CAO, adoption), the chance of a
# new referral, by reason ceased: most often after going home (most after an unplanned
# return), least after adoption. These are for children who stay out of care: those who come
# back (families.py brings back about one in six after going home or an SGO or CAO) bring
# their own referral before it, often within the year. Together (measured over 12,000
# children) about one exit decision in nine is followed by a referral within 12 months, one
# in seventeen by a section 47 enquiry and one in thirty by a child protection plan; one in
# a hundred after adoption. Siblings share their family's referral. Of those referred here,
# SECTION_47_SHARE go on to an enquiry and CP_PLAN_SHARE of those to a plan.
REFERRED_AFTER_EXIT = {
    "E4A": 0.07,
    "E4B": 0.12,
    "E13": 0.07,
    "E41": 0.04,
    "E45": 0.035,
    "E46": 0.035,
    "E47": 0.035,
    "E48": 0.035,
    "E11": 0.03,
    "E12": 0.03,
}
SECTION_47_SHARE = 0.45
CP_PLAN_SHARE = 0.5
# The chance of a first section 47 enquiry before care, by the first legal status: most
# children who come in on an order or in an emergency were subject to one; fewer of those
# accommodated under section 20.
SECTION_47_BEFORE = {"C1": 0.75, "L1": 0.8, "L2": 0.8, "L3": 0.8, "V2": 0.3}

CONTACT_SOURCES = {
    "6: Police": 0.28,
    "2A: Schools": 0.18,
    "3A: Health services - GP": 0.04,
    "3B: Health services - Health visitor": 0.06,
    "3E: Health services - A&E": 0.04,
    "1A: Individual - Family member": 0.08,
    "5A: LA services - Social care": 0.12,
    "5C: LA services - External": 0.06,
    "4: Housing": 0.04,
    "8: Other": 0.06,
    "9: Anonymous": 0.04,
}
ABUSE = {
    "Neglect": 0.5,
    "Emotional abuse": 0.35,
    "Physical abuse": 0.08,
    "Sexual abuse": 0.04,
    "Multiple": 0.03,
}
ACCOMMODATION = {
    "Semi-independent, transitional or self-contained accommodation": 0.33,
    "Independent living": 0.27,
    "Supported lodgings": 0.1,
    "With parents or relatives": 0.12,
    "Foyers and similar supported accommodation": 0.06,
    "Community home or other residential care": 0.03,
    "In custody": 0.03,
    "No fixed abode or homeless": 0.03,
    "Bed and breakfast": 0.03,
}
UNSUITABLE = {"In custody", "No fixed abode or homeless", "Bed and breakfast"}
ACTIVITY = {
    "F2: Full time in education other than higher": 0.25,
    "F3: Full time in training or employment": 0.2,
    "F1: Full time in higher education": 0.07,
    "P3: Part time in training or employment": 0.07,
    "F4: Full time in an apprenticeship": 0.05,
    "G5: Not in education, employment or training: other": 0.26,
    "G4: Not in education, employment or training: illness or disability": 0.05,
    "G6: Not in education, employment or training: pregnancy or parenting": 0.05,
}
IN_TOUCH = {"Yes": 0.9, "No": 0.07, "Refused contact": 0.03}
PERSONAL_ADVISERS = ["Dev Mistry", "Grace Oyelaran", "Tom Birch", "Hana Kowalski", "Lewis Baines"]


@dataclass
class EventSpec:
    """One event as the Annex A importer stores it: `details` as [[label, value], ...] with
    the importer's labels, in words."""

    kind: str
    start: dt.date
    end: dt.date | None = None
    details: list[list[str]] = field(default_factory=list)
    source_list: str = ""


@dataclass
class Period:
    start: dt.date
    end: dt.date | None
    reason: str  # reason ceased, "" while open
    first_ls: str
    episodes: list  # EpisodeSpec, in order


def _words(day: dt.date) -> str:
    """A date as the importer writes one in details ("3 Mar 2025")."""
    return f"{day.day} {day:%b %Y}"


def _span(low: int, high: int, rng: random.Random) -> int:
    """A whole number of days from low to high: `randint`'s job at a third of its cost (one
    `random()`), which counts at national scale."""
    return low + int(rng.random() * (high - low + 1))


def _days(low: int, high: int, rng: random.Random) -> dt.timedelta:
    return dt.timedelta(days=_span(low, high, rng))


def periods_of(episodes: list) -> list[Period]:
    """The child's periods of care: a new one at each episode with RNE S."""
    found: list[Period] = []
    for e in episodes:
        if e.rne == "S" or not found:
            found.append(Period(e.start, e.end, e.rec, e.ls, [e]))
        else:
            period = found[-1]
            period.episodes.append(e)
            period.end, period.reason = e.end, e.rec
    return found


def child_events(
    *,
    child_id: str,
    family_key: str,
    dob: dt.date,
    episodes: list,
    uasc: bool,
    worker: str | None,
    seed: int,
    today: dt.date,
) -> list[EventSpec]:
    """Every event of one child, oldest first, none after today, one a kind and day."""
    periods = periods_of(episodes)
    own = random.Random(f"{seed}/{child_id}")  # noqa: S311 - demo data, reproducible
    window = today - dt.timedelta(days=RECURRING_YEARS * YEAR)
    events: list[EventSpec] = []
    ways_in: list[WayIn] = []
    for index, period in enumerate(periods):
        shared = random.Random(f"{seed}/{family_key}/{index}")  # noqa: S311
        previous_end = periods[index - 1].end if index else None
        before = _before_care(
            shared, period, dob=dob, uasc=uasc, previous_end=previous_end, today=today
        )
        events += before
        ways_in.append(WayIn.of(before))
        if previous_end and (period.start - previous_end).days <= 365:
            events.append(EventSpec("returned_to_care", period.start, source_list="List 8"))
        events += _while_looked_after(own, period, dob=dob, today=today, window=window)
        events += _adoption(shared, period, family_key=family_key, index=index)
    later: WayIn | None = None
    if periods and periods[-1].end:
        last = periods[-1]
        shared = random.Random(f"{seed}/{family_key}/after")  # noqa: S311
        after = _after_exit(shared, last, dob=dob, today=today)
        events += after
        later = WayIn.of(after) if after else None
        if last.reason in CARE_LEAVERS:
            adviser = worker or own.choice(PERSONAL_ADVISERS)
            events += _care_leaver(own, last, dob=dob, today=today, window=window, pa=adviser)
    events += _help_and_need(
        periods,
        ways_in=ways_in,
        later=later,
        seed=seed,
        family_key=family_key,
        dob=dob,
        uasc=uasc,
        today=today,
    )
    kept: dict[tuple[str, dt.date], EventSpec] = {}
    for event in events:
        if event.start <= today:
            if event.end and event.end > today:
                event.end = None  # still open today
            kept.setdefault((event.kind, event.start), event)
    return sorted(kept.values(), key=lambda e: (e.start, e.kind))


# The way in ---------------------------------------------------------------------------------


def _before_care(
    rng: random.Random,
    period: Period,
    *,
    dob: dt.date,
    uasc: bool,
    previous_end: dt.date | None,
    today: dt.date,
) -> list[EventSpec]:
    """Contact, referral and assessment before care; for many a section 47 enquiry and a
    child protection plan. How long before depends on how the child came in: days before an
    emergency (police protection, an EPO) or a remand; weeks to a year or more before care
    proceedings, after child protection work; in between before section 20."""
    entry, ls = period.start, period.first_ls
    if uasc or ls.startswith("J"):
        lead = rng.randint(0, 2)  # arrived, or remanded: seen the day they came
    elif ls in EMERGENCY:
        lead = rng.randint(1, 45)
    elif ls == "C1":
        lead = rng.randint(60, 540)
    else:
        lead = rng.randint(14, 400)
    referral = entry - dt.timedelta(days=lead)
    earliest = dob - dt.timedelta(days=140)  # a pre-birth referral, at about 20 weeks
    if previous_end:  # back in care: the worry came in the second half of the time home
        earliest = max(earliest, previous_end + (entry - previous_end) / 2)
    referral = min(entry, max(referral, earliest))
    source = "6: Police" if uasc or ls.startswith("J") else pick(rng, CONTACT_SOURCES)
    # Most contacts are decided within a working day or two.
    contact = referral - _days(0, 2, rng)
    events = [
        EventSpec("contact", contact, details=[["Contact source", source]], source_list="List 1"),
        EventSpec(
            "referral",
            referral,
            details=[
                ["Referral source", source],
                ["No further action", "No"],
                [
                    "Referrals in the last 12 months",
                    str(pick(rng, {"1": 0.8, "2": 0.15, "3": 0.05})),
                ],
            ],
            source_list="List 3",
        ),
    ]
    events.append(_assessment(rng, referral))
    chance = 0.0 if uasc else SECTION_47_BEFORE.get(ls, 0.0)
    if rng.random() < chance:
        s47 = min(entry, referral + _days(0, min(20, (entry - referral).days), rng))
        events += _enquiry(rng, s47, before=entry, today=today)
    return events


def _assessment(rng: random.Random, referral: dt.date) -> EventSpec:
    """A single assessment, authorised within 45 working days (about 63 calendar days) for
    most; about one in ten runs over."""
    start = referral + _days(0, 3, rng)
    late = rng.random() < 0.1
    authorised = start + (_days(64, 100, rng) if late else _days(10, 63, rng))
    return EventSpec(
        "assessment",
        start,
        authorised,
        details=[
            ["Child seen during the assessment", "Yes" if rng.random() < 0.95 else "No"],
            ["Assessed as needing children's social care support", "Yes"],
        ],
        source_list="List 4",
    )


def _enquiry(
    rng: random.Random, s47: dt.date, *, before: dt.date | None, today: dt.date
) -> list[EventSpec]:
    """A section 47 enquiry; its initial conference within 15 working days (a few later)
    and, for most, a child protection plan from the conference. Before care, a plan only if
    the conference came before the child did, ending when they became looked after. An
    enquiry whose conference is still to come says only that it is under way."""
    icpc = s47 + (_days(22, 35, rng) if rng.random() < 0.15 else _days(8, 21, rng))
    if icpc > today:
        details = [["Section 47 enquiries in the last 12 months", "1"]]
        return [EventSpec("section_47", s47, details=details, source_list="List 5")]
    held = rng.random() < 0.85 and (before is None or icpc < before)
    plan = held and rng.random() < (0.8 if before else CP_PLAN_SHARE / 0.85)
    details = [
        ["Initial child protection conference deemed unnecessary", "No" if held else "Yes"],
    ]
    if held:
        details.append(["Initial child protection conference", _words(icpc)])
        details.append(["Conference resulted in a child protection plan", "Yes" if plan else "No"])
    details.append(["Section 47 enquiries in the last 12 months", "1"])
    details.append(["Initial conferences in the last 12 months", "1" if held else "0"])
    events = [EventSpec("section_47", s47, details=details, source_list="List 5")]
    if plan:
        events.append(_cp_plan(rng, icpc, ends=before, today=today))
    return events


def _cp_plan(
    rng: random.Random, start: dt.date, *, ends: dt.date | None, today: dt.date
) -> EventSpec:
    """A plan reviewed at three months then six-monthly, with visits every ten working days;
    it ends when the child comes into care, or after nine months to two years. The latest
    visit and review of a plan still open are the latest before today."""
    end = ends + _days(0, 30, rng) if ends else start + _days(270, 730, rng)
    category = pick(rng, ABUSE)
    latest = category if rng.random() < 0.85 else pick(rng, ABUSE)
    last_day = min(end, today)
    visit = max(start, last_day - _days(1, 14, rng))
    details = [
        ["Initial category of abuse", category],
        ["Latest category of abuse", latest],
        ["Last statutory visit", _words(visit)],
        ["Child seen alone", "Yes" if rng.random() < 0.7 else "No"],
    ]
    if (last_day - start).days > 92:
        review = start + _days(80, 92, rng)
        while review + dt.timedelta(days=183) < last_day:
            review += dt.timedelta(days=183)
        details.append(["Latest review conference", _words(review)])
    previous = pick(rng, {"0": 0.8, "1": 0.15, "2": 0.05})
    details.append(["Previous child protection plans", previous])
    return EventSpec("child_protection", start, end, details, "List 7")


# While looked after -------------------------------------------------------------------------


def _recurring(
    rng: random.Random,
    *,
    first: dt.date,
    stop: dt.date,
    window: dt.date,
    gap: tuple[int, int],
    late: float,
    late_gap: tuple[int, int],
) -> Iterator[dt.date]:
    """Dates from `first` every `gap` days (now and then `late_gap`), until `stop`, those
    from `window` on. A long period starts near the window instead of walking years of
    dates no one keeps."""
    when, end = first.toordinal(), stop.toordinal()
    if first < window:
        when = window.toordinal() + _span(0, gap[1], rng)
    while when < end:
        yield dt.date.fromordinal(when)
        when += _span(*(late_gap if rng.random() < late else gap), rng)


def _while_looked_after(
    rng: random.Random, period: Period, *, dob: dt.date, today: dt.date, window: dt.date
) -> list[EventSpec]:
    """Statutory visits and checks: a social work visit within a week of coming in and then
    about every six weeks (some late); an IRO contact about every three months; a health
    assessment within 20 working days and then yearly (six-monthly under five); a dental
    check yearly from age one. A few children's latest health assessment or dental check is
    overdue today."""
    stop = min(period.end or today, today)
    if stop < window:
        return []
    start = period.start
    events = [
        EventSpec("social_work_visit", d, source_list="List 8")
        for d in _recurring(
            rng,
            first=start + _days(1, 7, rng),
            stop=stop,
            window=window,
            gap=(21, 42),
            late=0.08,
            late_gap=(43, 75),
        )
    ]
    events += [
        EventSpec("iro_contact", d, source_list="List 8")
        for d in _recurring(
            rng,
            first=start + _days(10, 40, rng),
            stop=stop,
            window=window,
            gap=(60, 110),
            late=0.05,
            late_gap=(111, 180),
        )
    ]
    overdue = period.end is None and rng.random() < 0.08
    under_five = (start - dob).days < 5 * YEAR
    health = [
        EventSpec("health_assessment", d, source_list="List 8")
        for d in _recurring(
            rng,
            first=start + (_days(29, 60, rng) if rng.random() < 0.12 else _days(10, 28, rng)),
            stop=stop,
            window=window,
            gap=(150, 182) if under_five else (300, 365),
            late=0.05,
            late_gap=(366, 450),
        )
    ]
    if overdue and len(health) > 1:
        health.pop()
    dental_from = max(start, dob + dt.timedelta(days=YEAR)) + _days(20, 90, rng)
    dental = [
        EventSpec("dental_check", d, source_list="List 8")
        for d in _recurring(
            rng,
            first=dental_from,
            stop=stop,
            window=window,
            gap=(270, 365),
            late=0.1,
            late_gap=(380, 540),
        )
    ]
    if period.end is None and rng.random() < 0.1 and len(dental) > 1:
        dental.pop()
    events += health + dental
    sixteen = dob + dt.timedelta(days=16 * YEAR)
    if sixteen < stop:
        events += _pathway_reviews(
            rng,
            first=max(sixteen, start) + _days(10, 90, rng),
            stop=stop,
            window=window,
            eligibility="Eligible",
        )
    return events


def _pathway_reviews(
    rng: random.Random, *, first: dt.date, stop: dt.date, window: dt.date, eligibility: str
) -> list[EventSpec]:
    """A pathway plan from 16, reviewed at least every six months."""
    return [
        EventSpec(
            "pathway_plan_review", d, details=[["Eligibility", eligibility]], source_list="List 9"
        )
        for d in _recurring(
            rng,
            first=first,
            stop=stop,
            window=window,
            gap=(150, 183),
            late=0.1,
            late_gap=(184, 260),
        )
    ]


def _care_leaver(
    rng: random.Random, period: Period, *, dob: dt.date, today: dt.date, window: dt.date, pa: str
) -> list[EventSpec]:
    """After leaving care at 18, until 21: pathway plan reviews, and the personal adviser in
    touch about every eight weeks, with where the young person lives and what they do. Those
    who stayed put live with their former foster carers."""
    assert period.end is not None
    stop = min(today, dob + dt.timedelta(days=21 * YEAR))
    if stop < window:
        return []
    events = _pathway_reviews(
        rng,
        first=period.end + _days(20, 120, rng),
        stop=stop,
        window=window,
        eligibility="Former relevant",
    )
    staying_put = period.reason == "E17"
    home = "With former foster carers" if staying_put else pick(rng, ACCOMMODATION)
    activity = pick(rng, ACTIVITY)
    for day in _recurring(
        rng,
        first=period.end + _days(14, 56, rng),
        stop=stop,
        window=window,
        gap=(28, 56),
        late=0.1,
        late_gap=(57, 120),
    ):
        if events[-1:] and events[-1].kind == "care_leaver_contact":  # since the last time
            if rng.random() < 0.08:  # moved on
                home = pick(rng, ACCOMMODATION)
            if rng.random() < 0.1:
                activity = pick(rng, ACTIVITY)
        touch = pick(rng, IN_TOUCH)
        details = [["In touch", touch]]
        if touch == "Yes":
            details += [
                ["Type of accommodation", home],
                [
                    "Suitability of accommodation",
                    "Unsuitable" if home in UNSUITABLE else "Suitable",
                ],
                ["Activity", activity],
            ]
        details.append(["Personal adviser", pa])
        events.append(EventSpec("care_leaver_contact", day, details=details, source_list="List 9"))
    return events


# Adoption -----------------------------------------------------------------------------------


def _adoption(
    rng: random.Random, period: Period, *, family_key: str, index: int
) -> list[EventSpec]:
    """The steps list 10 records, from the episodes: placed in fostering for adoption (U5),
    the placement order (legal status E1), placed for adoption (an A placement), the
    adoption order (reason ceased E11 or E12); and list 11's adopters, approved some months
    before the placement. Siblings placed together share the family."""
    ffa = next((e.start for e in period.episodes if e.place == "U5"), None)
    order = next((e.start for e in period.episodes if e.ls == "E1"), None)
    placed = next((e.start for e in period.episodes if e.place.startswith("A")), None)
    adopted = period.end if period.reason in ADOPTED else None
    if not (ffa or order or placed):
        return []
    family = f"AF-{family_key}-{index + 1}"
    events = []
    if ffa:
        events.append(EventSpec("ffa_placement", ffa, source_list="List 10"))
    if order:
        events.append(EventSpec("placement_order", order, source_list="List 10"))
    if placed:
        events.append(
            EventSpec(
                "placed_for_adoption",
                placed,
                details=[["Adoptive family", family]],
                source_list="List 10",
            )
        )
        approved = placed - _days(90, 420, rng)
        details = [
            ["Adoptive family", family],
            ["Adopters", pick(rng, {"2": 0.8, "1": 0.2})],
            ["Fostering for adoption", "Yes" if ffa else "No"],
            ["Enquiry received", _words(approved - _days(150, 300, rng))],
            ["Application approved", _words(approved)],
            ["Matched with a child", _words(placed - _days(14, 60, rng))],
            ["Placed for adoption", _words(placed)],
        ]
        if adopted:
            details.append(["Adoption order", _words(adopted)])
        events.append(EventSpec("adopters", approved, details=details, source_list="List 11"))
    if adopted:
        events.append(
            EventSpec(
                "adoption_order",
                adopted,
                details=[["Adoptive family", family]],
                source_list="List 10",
            )
        )
    return events


# After an exit ------------------------------------------------------------------------------


def _after_exit(
    rng: random.Random, period: Period, *, dob: dt.date, today: dt.date
) -> list[EventSpec]:
    """For a minority after an exit home or to a permanent carer: a new referral, within 12
    months for most of them, an assessment, and for some a section 47 enquiry and a child
    protection plan (see REFERRED_AFTER_EXIT). None once the child is 18."""
    assert period.end is not None
    chance = REFERRED_AFTER_EXIT.get(period.reason, 0.0)
    if rng.random() >= chance:
        return []
    within_year = rng.random() < 0.85
    referral = period.end + (_days(14, 365, rng) if within_year else _days(366, 900, rng))
    if referral > today or (referral - dob).days >= 18 * YEAR:
        return []
    source = pick(rng, CONTACT_SOURCES)
    events = [
        EventSpec(
            "contact",
            referral - _days(0, 2, rng),
            details=[["Contact source", source]],
            source_list="List 1",
        ),
        EventSpec(
            "referral",
            referral,
            details=[
                ["Referral source", source],
                ["No further action", "No"],
                ["Referrals in the last 12 months", "1"],
            ],
            source_list="List 3",
        ),
        _assessment(rng, referral),
    ]
    if rng.random() < SECTION_47_SHARE:
        events += _enquiry(rng, referral + _days(0, 10, rng), before=None, today=today)
    return events


# Early help and children in need ------------------------------------------------------------

# The chance of an early help assessment (Annex A list 2) in the two years before the referral
# that led to care, by the first legal status: families whose children came in through care
# proceedings or under section 20 have often had early help first. None before an emergency,
# a remand or an unaccompanied child's arrival: nothing came before those.
EARLY_HELP_BEFORE = {"C1": 0.45, "V2": 0.4}
# After an exit home or to a permanent carer, for a few, by reason ceased (and for a quarter
# of those whose step-down child in need plan closed, early help after it).
EARLY_HELP_AFTER = {"E4A": 0.1, "E4B": 0.1, "E13": 0.06, "E41": 0.05}
EARLY_HELP_AFTER |= dict.fromkeys(("E45", "E46", "E47", "E48"), 0.03)
EARLY_HELP_AFTER_PLAN = 0.25
EARLY_HELP_BY = {
    "Family hub": 0.4,
    "Early help team": 0.18,
    "School": 0.2,
    "Health visiting service": 0.12,
    "Youth service": 0.05,
    "Voluntary sector": 0.05,
}
# A child in need episode (list 6) opens at the referral, as the children in need census
# counts one, when there was time to work with the family at home before care (a fortnight
# or more); none for an unaccompanied child or a remand, who came straight in.
NEED_LEAD_DAYS = 14
# After going home, a step-down child in need plan for some, by reason ceased.
NEED_AFTER_HOME = {"E4A": 0.3, "E4B": 0.15}
SERVICES_CEASED = "RC7 - Services ceased for any other reason, including child no longer in need"
NEED_WORDS = dict(CategoryOfNeed.choices)


@dataclass
class WayIn:
    """Of the events a referral began (before care, or after an exit): the referral's date and
    when the child protection plan that followed it ends (None if there was none)."""

    referral: dt.date
    plan_end: dt.date | None

    @classmethod
    def of(cls, events: list[EventSpec]) -> WayIn:
        referral = next(e.start for e in events if e.kind == "referral")
        plans = [e.end for e in events if e.kind == "child_protection" and e.end]
        return cls(referral, max(plans, default=None))

    def into_care(self, entry: dt.date) -> dt.date:
        """The day work at home ended: the child became looked after, or the plan before
        care ended at its next conference, weeks later."""
        return max(entry, self.plan_end or entry)


def _help_and_need(
    periods: list[Period],
    *,
    ways_in: list[WayIn],
    later: WayIn | None,
    seed: int,
    family_key: str,
    dob: dt.date,
    uasc: bool,
    today: dt.date,
) -> list[EventSpec]:
    """Early help assessments (list 2) and child in need episodes (list 6) around the periods
    of care: for many, early help months before the referral that led to care, and a child in
    need episode from that referral that closes when the child becomes looked after; after
    going home, for some a step-down child in need plan, and for a few early help; after a
    referral following an exit, a child in need episode, open while the child is still in
    need. One episode at a time: one still open when the child is referred again carries on.
    From the family's own random streams (siblings share their early help and go home
    together), so nothing else the seed gives changes."""
    adult = dob + dt.timedelta(days=18 * YEAR)
    events: list[EventSpec] = []
    free_from = dob  # nothing before birth, nor over the last episode of help or need
    carried = False  # the previous step-down plan was still open at this referral
    for index, (period, way_in) in enumerate(zip(periods, ways_in, strict=True)):
        rng = random.Random(f"{seed}/{family_key}/{index}/help")  # noqa: S311
        direct = uasc or period.first_ls.startswith("J")
        if not (carried or direct) and rng.random() < EARLY_HELP_BEFORE.get(period.first_ls, 0):
            start = way_in.referral - _days(60, 730, rng)
            events += _early_help(rng, start=start, before=way_in.referral, free_from=free_from)
        if not (carried or direct) and (period.start - way_in.referral).days >= NEED_LEAD_DAYS:
            end = way_in.into_care(period.start)
            need = period.episodes[0].cin
            events.append(
                _need(
                    rng,
                    start=way_in.referral,
                    end=end,
                    need=need,
                    today=today,
                    status="Looked after child",
                )
            )
        if period.end is None:
            break
        home = random.Random(f"{seed}/{family_key}/{index}/home")  # noqa: S311
        following = ways_in[index + 1] if index + 1 < len(periods) else later
        back = periods[index + 1].start if index + 1 < len(periods) else None
        after, carried, free_from = _after_going_home(
            home, period, following=following, back=back, adult=adult, today=today
        )
        events += after
    if later and not carried and later.referral < adult:
        rng = random.Random(f"{seed}/{family_key}/later")  # noqa: S311
        end = _need_end(rng, later, adult=adult)
        need = periods[-1].episodes[-1].cin
        status = _status(end, later, today=today)
        events.append(
            _need(rng, start=later.referral, end=end, need=need, today=today, status=status)
        )
    return events


def _after_going_home(
    rng: random.Random,
    period: Period,
    *,
    following: WayIn | None,
    back: dt.date | None,
    adult: dt.date,
    today: dt.date,
) -> tuple[list[EventSpec], bool, dt.date]:
    """After an exit: for some who went home a step-down child in need plan for four months to
    a year; early help for a few. A plan still open at the next referral carries on, until
    the child is looked after again (`back`) or is no longer in need. Gives the events,
    whether a plan carried on, and the day after which the next help may start."""
    assert period.end is not None
    events: list[EventSpec] = []
    free_from = period.end
    carried = False
    start = period.end + _days(0, 14, rng)
    plan = (
        rng.random() < NEED_AFTER_HOME.get(period.reason, 0)
        and start < adult - dt.timedelta(days=30)
        and (following is None or start < following.referral)
    )
    if plan:
        end = min(start + _days(120, 365, rng), adult - dt.timedelta(days=1))
        carried = following is not None and end >= following.referral
        if carried and back:
            status = "Looked after child"
            end = following.into_care(back)
        elif carried:
            end = max(end, _need_end(rng, following, adult=adult))
            status = _status(end, following, today=today)
        else:
            status = _status(end, None, today=today)
        need = period.episodes[-1].cin
        events.append(_need(rng, start=start, end=end, need=need, today=today, status=status))
        free_from = end
    chance = EARLY_HELP_AFTER_PLAN if plan else EARLY_HELP_AFTER.get(period.reason, 0)
    if not carried and rng.random() < chance:
        start = free_from + _days(14, 300, rng)
        if start < adult:
            before = following.referral if following else None
            help_ = _early_help(rng, start=start, before=before, free_from=free_from)
            events += help_
            free_from = help_[0].end if help_ else free_from
    return events, carried, free_from


def _early_help(
    rng: random.Random, *, start: dt.date, before: dt.date | None, free_from: dt.date
) -> list[EventSpec]:
    """An early help assessment as list 2 gives it: started, completed within weeks, and by
    whom. None if it would start before `free_from` or not be complete before `before` (the
    referral it came before)."""
    end = start + _days(10, 45, rng)
    if start <= free_from or (before and end >= before):
        return []
    by = [["Organisation completing the assessment", pick(rng, EARLY_HELP_BY)]]
    return [EventSpec("early_help", start, end, by, "List 2")]


def _need_end(rng: random.Random, way_in: WayIn, *, adult: dt.date) -> dt.date:
    """When a child in need episode from a referral after an exit closes: months after, or
    after the child protection plan within it ends; before 18."""
    if way_in.plan_end:
        end = way_in.plan_end + _days(30, 180, rng)
    else:
        end = way_in.referral + _days(90, 540, rng)
    return min(end, adult - dt.timedelta(days=1))


def _status(end: dt.date, way_in: WayIn | None, *, today: dt.date) -> str:
    """List 6's case status of an episode at home: closed by today, or open on a child
    protection plan or a child in need plan."""
    if end <= today:
        return "Closed"
    on_plan = way_in is not None and way_in.plan_end is not None and way_in.plan_end > today
    return "Child protection plan" if on_plan else "Child in need plan"


def _need(
    rng: random.Random, *, start: dt.date, end: dt.date, need: str, today: dt.date, status: str
) -> EventSpec:
    """A child in need episode as list 6 gives it: the primary need (the category of need of
    the child's episode of care), when the child was last seen, the case status and, for one
    closed when the child was no longer in need, the reason. Open while `end` is to come."""
    last_seen = max(start, min(end, today) - _days(0, 20, rng))
    details = [
        ["Primary need", f"{need} - {NEED_WORDS[need]}" if need in NEED_WORDS else need],
        ["Child last seen", _words(last_seen)],
    ]
    if status == "Closed":
        details.append(["Reason for closure", SERVICES_CEASED])
    details.append(["Case status", status])
    return EventSpec("child_in_need", start, end, details, "List 6")
