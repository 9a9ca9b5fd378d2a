"""Paired property tests: each care-history rule's pure form and its SQL form give the same
answer over generated histories (the promise in `assure/children/care/__init__.py`).

Every example writes many children at once with bulk_create inside a savepoint, asks the
database (SQLite or PostgreSQL, whichever DATABASE_URL names) at several "as at" dates chosen
on the histories' own edges (the day an episode starts or ends, the day before and after, a
year after leaving, 29 February, ...), compares the answer for every child with the pure
rule's, and rolls the savepoint back. Histories are nasty on purpose: X1 chains, broken
chains, re-entries the day after (or the day of) leaving, blank reasons on ended episodes,
dangling X1s, stray overlapping and back-to-front episodes, proceedings without issue dates,
concluded before they were issued, extended, sharing children; plans agreed the same day.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import DateField, F, Value
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assure.children import codes
from assure.children.care import dates, exits, periods, plans, proceedings
from assure.children.models import Child, Episode, Hearing, PermanencePlan, Proceedings

D = dt.date
ONE_DAY = dt.timedelta(days=1)
FIRST, LAST = D(2019, 1, 1), D(2029, 12, 31)


def pairs_settings(examples: int) -> settings:
    # database=None: no .hypothesis directory in the working tree; a failure prints its
    # falsifying example (and a @reproduce_failure blob) instead.
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# Dates -------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return D(year, month, calendar.monthrange(year, month)[1])


LEAP_DAYS = [D(2020, 2, 29), D(2024, 2, 29), D(2028, 2, 29)]
EDGE_DATES = sorted(
    {_month_end(y, m) for y in range(2019, 2030) for m in range(1, 13)}
    | {D(y, m, 1) for y in range(2019, 2030) for m in (1, 3)}
    | {D(y, 2, 28) for y in range(2019, 2030)}
    | {d + ONE_DAY * k for d in LEAP_DAYS for k in (-1, 1)}
)
some_dates = st.one_of(
    st.dates(FIRST, LAST), st.sampled_from(EDGE_DATES), st.sampled_from(LEAP_DAYS)
)
early_dates = some_dates.filter(lambda d: d <= D(2027, 6, 30))


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _around(day: dt.date | None) -> list[dt.date]:
    return [] if day is None else [day - ONE_DAY, day, day + ONE_DAY]


def _as_at_dates(data: st.DataObject, candidates: Iterable[dt.date], most: int) -> list[dt.date]:
    """Up to `most` of the candidate dates (the histories' edges), and 29 February."""
    pool = sorted({d for d in candidates if FIRST - days(400) <= d <= LAST + days(400)})
    chosen = data.draw(
        st.lists(st.sampled_from(pool), min_size=min(len(pool), 3), max_size=most, unique=True)
        if pool
        else st.just([]),
        label="as at",
    )
    return sorted({*chosen, data.draw(st.sampled_from(LEAP_DAYS), label="leap day")})


# One example, written and rolled back --------------------------------------------------------


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """A savepoint inside the test's transaction, rolled back when the example ends (and by
    the exception when it fails), so every example starts from an empty care record."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def make_children(count: int) -> list[Child]:
    made = Child.objects.bulk_create(Child(child_id=f"PAIR{n:03d}") for n in range(count))
    assert all(c.pk is not None for c in made)
    return made


def assert_same(
    what: str,
    on: Any,
    pure: dict[Any, Any],
    sql: dict[Any, Any],
    describe: Callable[[Any], str] = repr,
) -> None:
    """The SQL form's answer for every key (child, episode, proceedings) is the pure form's."""
    wrong = sorted((k for k in pure.keys() | sql.keys() if pure.get(k) != sql.get(k)), key=str)
    assert not wrong, f"{what} at {on}: " + "; ".join(
        f"{describe(k)}: pure {pure.get(k)!r}, SQL {sql.get(k)!r}" for k in wrong
    )


def members(keys: Iterable[Any], found: Iterable[Any]) -> dict[Any, bool]:
    found = set(found)
    return {k: k in found for k in keys}


# dates.add_months / AddMonths, AddDays -----------------------------------------------------


@pairs_settings(60)
@given(
    rows=st.lists(
        st.tuples(some_dates, st.one_of(st.none(), st.integers(-2, 2))),
        min_size=1,
        max_size=40,
        unique_by=lambda row: row[0],
    ),
    months=st.lists(st.integers(-40, 40), min_size=1, max_size=4, unique=True),
    day_counts=st.lists(st.integers(-800, 800), min_size=1, max_size=3, unique=True),
)
@example(  # 31 August + 6 months: 29 February in a leap year, 28th otherwise; and back
    rows=[(D(2019, 8, 31), 0), (D(2023, 8, 31), -1), (D(2025, 8, 31), 1), (D(2024, 2, 29), 0)],
    months=[6],
    day_counts=[181],
)
def test_add_months_and_add_days_in_sql_are_the_pure_ones(db, rows, months, day_counts):
    """31 August + 6 months is 28 or 29 February on both databases; the end dates sit a day
    either side of (or on) start + the first month count, so the filter compares on the edge."""
    n0, k0 = months[0], day_counts[0]  # the filters' month and day counts
    months = sorted({*months, 1, 6, 12, -12})
    day_counts = sorted({*day_counts, proceedings.LAST_DAY})
    with rolled_back():
        (child,) = make_children(1)
        episodes = Episode.objects.bulk_create(
            Episode(
                child=child,
                start_date=start,
                end_date=None if shift is None else dates.add_months(start, n0) + days(shift),
            )
            for start, shift in rows
        )
        by_pk = {e.pk: e for e in episodes}
        describe = lambda pk: f"episode {by_pk[pk].start_date}..{by_pk[pk].end_date}"  # noqa: E731

        annotations = {f"m{i}": dates.AddMonths(F("start_date"), n) for i, n in enumerate(months)}
        annotations |= {
            f"d{i}": dates.AddDays(F("start_date"), k) for i, k in enumerate(day_counts)
        }
        got = {
            row["pk"]: row
            for row in Episode.objects.filter(child=child)
            .annotate(**annotations)
            .values("pk", *annotations)
        }
        for i, n in enumerate(months):
            assert_same(
                f"add_months(start, {n})",
                "-",
                {pk: dates.add_months(e.start_date, n) for pk, e in by_pk.items()},
                {pk: row[f"m{i}"] for pk, row in got.items()},
                describe,
            )
        for i, k in enumerate(day_counts):
            assert_same(
                f"add_days(start, {k})",
                "-",
                {pk: dates.add_days(e.start_date, k) for pk, e in by_pk.items()},
                {pk: row[f"d{i}"] for pk, row in got.items()},
                describe,
            )

        # As a filter's right-hand side: the SQL form compares as a date, to the day.
        on_or_after = Episode.objects.filter(
            child=child, end_date__gte=dates.AddMonths(F("start_date"), n0)
        ).values_list("pk", flat=True)
        assert_same(
            f"end on or after add_months(start, {n0})",
            "-",
            members(
                by_pk,
                (
                    pk
                    for pk, e in by_pk.items()
                    if e.end_date is not None and e.end_date >= dates.add_months(e.start_date, n0)
                ),
            ),
            members(by_pk, on_or_after),
            describe,
        )
        before = Episode.objects.filter(
            child=child, end_date__lt=dates.AddDays(F("start_date"), k0)
        ).values_list("pk", flat=True)
        assert_same(
            f"end before add_days(start, {k0})",
            "-",
            members(
                by_pk,
                (
                    pk
                    for pk, e in by_pk.items()
                    if e.end_date is not None and e.end_date < dates.add_days(e.start_date, k0)
                ),
            ),
            members(by_pk, before),
            describe,
        )

        # Over a parameter rather than a column (the SQLite form repeats its operand).
        operands = [(start, months[i % len(months)]) for i, (start, _) in enumerate(rows[:8])]
        constants = {
            f"v{i}": dates.AddMonths(Value(start, output_field=DateField()), n)
            for i, (start, n) in enumerate(operands)
        }
        row = Child.objects.filter(pk=child.pk).annotate(**constants).values(*constants).get()
        assert_same(
            "add_months(a date parameter, n)",
            "-",
            {i: dates.add_months(start, n) for i, (start, n) in enumerate(operands)},
            {i: row[f"v{i}"] for i in range(len(operands))},
            lambda i: f"{operands[i][0]} + {operands[i][1]} months",
        )


# Episodes: periods.* ------------------------------------------------------------------------

CONTINUES = periods.CONTINUES
LEAVING_REASONS = [r for r in codes.ReasonCeased.values if r != CONTINUES]
any_reason = st.sampled_from(["", *codes.ReasonCeased.values])
lengths = st.one_of(
    st.integers(1, 45), st.integers(46, 800), st.sampled_from([1, 2, 28, 29, 30, 31, 365, 366])
)
# How a period's last episode ends: left (a leaving code), left with no reason given, still
# open, or an X1 with nothing after it (the chain broken).
endings = st.sampled_from(["left", "left", "left", "blank", "open", "dangling"])
# Between periods: back the same day, the next day, soon, or long after.
gaps = st.one_of(st.sampled_from([0, 1]), st.integers(2, 60), st.integers(61, 900))


@st.composite
def episode_history(draw: Any) -> list[tuple[dt.date, dt.date | None, str]]:
    """One child's episodes as (start, end, reason), unique on the start date."""
    rows: list[tuple[dt.date, dt.date | None, str]] = []
    day = draw(early_dates)
    for _ in range(draw(st.integers(1, 3))):
        links = draw(st.integers(1, 4))
        for link in range(links):
            length = draw(lengths)
            end: dt.date | None = day + days(length)
            if link < links - 1:
                rows.append((day, end, CONTINUES))
                # X1 then the next episode the same day; now and then the day after (broken).
                day = end + days(draw(st.sampled_from([0, 0, 0, 0, 1])))
                continue
            ending = draw(endings)
            if ending == "open":
                rows.append((day, None, draw(st.sampled_from(["", "", "E11"]))))
                end = day + days(length)  # a later period overlaps the open episode
            elif ending == "blank":
                rows.append((day, end, ""))
            elif ending == "dangling":
                rows.append((day, end, CONTINUES))
            else:
                rows.append((day, end, draw(st.sampled_from(LEAVING_REASONS))))
        day = end + days(draw(gaps))
        if day > LAST:
            break
    first = rows[0][0]
    strays = draw(
        st.lists(
            st.tuples(
                st.integers(0, 900),
                # Open, ended, or back to front (ending before it starts, even before an
                # "as at" date it starts after).
                st.one_of(st.none(), st.integers(0, 400), st.integers(-40, -1)),
                any_reason,
            ),
            max_size=2,
        )
    )
    for offset, length, reason in strays:
        start = first + days(offset)
        rows.append((start, None if length is None else start + days(length), reason))
    unique: dict[dt.date, tuple[dt.date, dt.date | None, str]] = {}
    for row in rows:
        unique.setdefault(row[0], row)  # Episode is unique per child and start date
    return list(unique.values())


histories = st.lists(
    st.one_of(st.just([]), episode_history(), episode_history()), min_size=1, max_size=10
)


def _episode_edges(e: Episode) -> list[dt.date]:
    found = [*_around(e.start_date), *_around(e.end_date)]
    if e.end_date is not None:
        year_on = dates.add_months(e.end_date, 12)  # a year after leaving
        found += _around(year_on)
    return found


@pairs_settings(60)
@given(history_list=histories, data=st.data())
def test_episode_rules_in_sql_are_the_pure_ones(db, history_list, data):
    with rolled_back():
        children = make_children(len(history_list))
        episodes = Episode.objects.bulk_create(
            Episode(child=child, start_date=start, end_date=end, reason_ceased=reason)
            for child, rows in zip(children, history_list, strict=True)
            for start, end, reason in rows
        )
        assert all(e.pk is not None for e in episodes)
        of_child: dict[int, list[Episode]] = {c.pk: [] for c in children}
        for e in episodes:
            of_child[e.child_id].append(e)
        kids = list(of_child)
        eps = {e.pk: e for e in episodes}

        def child_text(pk: int) -> str:
            rows = ", ".join(
                f"{e.start_date}..{e.end_date or ''} {e.reason_ceased or '-'}"
                for e in sorted(of_child[pk], key=lambda e: e.start_date)
            )
            return f"child [{rows}]"

        def episode_text(pk: int) -> str:
            e = eps[pk]
            ended = f"{e.end_date} {e.reason_ceased!r}"
            return f"episode {e.start_date}..{ended} of {child_text(e.child_id)}"

        all_episodes = Episode.objects.filter(child_id__in=kids)
        all_children = Child.objects.filter(pk__in=kids)

        # Rules about one episode, with no date.
        assert_same(
            "ends_period",
            "-",
            {pk: periods.ends_period(e) for pk, e in eps.items()},
            members(eps, all_episodes.filter(periods.ends_period_q()).values_list("pk", flat=True)),
            episode_text,
        )
        assert_same(
            "starts_period",
            "-",
            {pk: periods.starts_period(e, of_child[e.child_id]) for pk, e in eps.items()},
            members(
                eps, all_episodes.filter(periods.starts_period_q()).values_list("pk", flat=True)
            ),
            episode_text,
        )

        edges = [d for e in episodes for d in _episode_edges(e)]
        for on in _as_at_dates(data, edges, most=14):
            assert_same(
                "is_open_on",
                on,
                {pk: periods.is_open_on(e, on) for pk, e in eps.items()},
                members(
                    eps, all_episodes.filter(periods.open_on_q(on)).values_list("pk", flat=True)
                ),
                episode_text,
            )
            looked_after = {pk: periods.looked_after_on(of_child[pk], on) for pk in kids}
            assert_same(
                "looked_after_on",
                on,
                looked_after,
                members(
                    kids,
                    all_children.filter(periods.looked_after_exists(on)).values_list(
                        "pk", flat=True
                    ),
                ),
                child_text,
            )
            assert_same(
                "looked_after_on (through episodes__)",
                on,
                looked_after,
                members(
                    kids,
                    all_children.filter(periods.open_on_q(on, "episodes__")).values_list(
                        "pk", flat=True
                    ),
                ),
                child_text,
            )
            assert_same(
                "standing_on is not None (the tracker's membership)",
                on,
                {pk: periods.standing_on(of_child[pk], on) is not None for pk in kids},
                members(
                    kids, all_children.filter(periods.on_tracker_q(on)).values_list("pk", flat=True)
                ),
                child_text,
            )
            current = {
                pk: getattr(periods.current_episode(of_child[pk], on), "pk", None) for pk in kids
            }
            assert_same(
                "current_episode",
                on,
                current,
                dict(
                    all_children.annotate(
                        current=periods.current_episode_subquery(on, "id")
                    ).values_list("pk", "current")
                ),
                child_text,
            )
            # Over another model holding the child's pk (outer="child_id"), one row an episode.
            outer = all_episodes.filter(periods.on_tracker_q(on, "child_id")).annotate(
                la=periods.looked_after_exists(on, "child_id")
            )
            assert_same(
                "tracker and looked after, outer='child_id'",
                on,
                {
                    pk: (True, looked_after[e.child_id])
                    for pk, e in eps.items()
                    if periods.standing_on(of_child[e.child_id], on) is not None
                },
                {pk: (True, la) for pk, la in outer.values_list("pk", "la")},
                episode_text,
            )
            for after in (
                dates.one_year_before(on),
                on - days(data.draw(st.integers(0, 400), label="days back")),
            ):
                assert_same(
                    f"left care after {after}, known by",
                    on,
                    {
                        pk: e.start_date <= on
                        and periods.ends_period(e)
                        and after < e.end_date <= on
                        for pk, e in eps.items()
                    },
                    members(
                        eps,
                        all_episodes.filter(periods.left_care_between_q(after, on)).values_list(
                            "pk", flat=True
                        ),
                    ),
                    episode_text,
                )


# Proceedings and hearings: proceedings.* ----------------------------------------------------

APPLICATION_TYPES = codes.ApplicationType.values
HEARING_TYPES = codes.HearingType.values


@st.composite
def proceedings_record(draw: Any, n_children: int) -> dict[str, Any]:
    """One set of proceedings, the children it is about, and its hearings."""
    issue = draw(st.one_of(st.none(), some_dates, some_dates))
    anchor = issue or draw(some_dates)

    def near(low: int, high: int) -> dt.date:
        return anchor + days(draw(st.one_of(st.integers(low, high), st.sampled_from([0, 7, 14]))))

    status = draw(st.sampled_from(codes.ProceedingsStatus.values))
    # Concluded (or withdrawn) on a date before or after the issue, or no date recorded: the
    # status and the date are drawn apart, so "open" with a date and "concluded" without one
    # both come up.
    concluded = near(-30, 400) if draw(st.booleans()) else None
    extended = near(150, 300) if draw(st.integers(0, 2)) == 0 else None
    hearing_rows = draw(
        st.lists(
            st.tuples(
                st.integers(-15, 300) | st.sampled_from([0, 7, 14, 181]),
                st.sampled_from(HEARING_TYPES),
            ),
            max_size=6,
            unique=True,  # Hearing is unique per proceedings, date and type
        )
    )
    return {
        "application_type": draw(st.sampled_from(APPLICATION_TYPES)),
        "issue_date": issue,
        "status": status,
        "concluded_date": concluded,
        "extended_to": extended,
        "children": draw(st.lists(st.integers(0, n_children - 1), max_size=3, unique=True)),
        "hearings": [(anchor + days(offset), kind) for offset, kind in hearing_rows],
    }


@pairs_settings(60)
@given(
    n_children=st.integers(1, 6),
    data=st.data(),
)
def test_proceedings_rules_in_sql_are_the_pure_ones(db, n_children, data):
    records = data.draw(st.lists(proceedings_record(n_children), max_size=8), label="proceedings")
    kind = data.draw(st.sampled_from(HEARING_TYPES), label="hearing kind")
    application_type = data.draw(st.sampled_from(APPLICATION_TYPES), label="application type")
    with rolled_back():
        children = make_children(n_children)
        made = Proceedings.objects.bulk_create(
            Proceedings(
                proceedings_id=f"PAIR-P{n}",
                **{k: v for k, v in r.items() if k not in ("children", "hearings")},
            )
            for n, r in enumerate(records)
        )
        assert all(p.pk is not None for p in made)
        Proceedings.children.through.objects.bulk_create(
            Proceedings.children.through(proceedings_id=p.pk, child_id=children[i].pk)
            for p, r in zip(made, records, strict=True)
            for i in r["children"]
        )
        hearings_of = {
            p.pk: Hearing.objects.bulk_create(
                Hearing(proceedings=p, hearing_date=day, hearing_type=t) for day, t in r["hearings"]
            )
            for p, r in zip(made, records, strict=True)
        }
        by_pk = {p.pk: p for p in made}
        kids = [c.pk for c in children]
        of_child = {
            c.pk: [p for p, r in zip(made, records, strict=True) if i in r["children"]]
            for i, c in enumerate(children)
        }
        links = [
            (p.pk, children[i].pk)
            for p, r in zip(made, records, strict=True)
            for i in r["children"]
        ]

        def proceedings_text(pk: int) -> str:
            p = by_pk[pk]
            hearings = ", ".join(f"{h.hearing_type} {h.hearing_date}" for h in hearings_of[pk])
            return (
                f"{p.application_type} issued {p.issue_date} {p.status} {p.concluded_date} "
                f"extended to {p.extended_to} hearings [{hearings}]"
            )

        def child_text(pk: int) -> str:
            return "child with " + " | ".join(proceedings_text(p.pk) for p in of_child[pk])

        all_proceedings = Proceedings.objects.filter(pk__in=by_pk)
        all_children = Child.objects.filter(pk__in=kids)

        assert_same(
            "carries_26_weeks",
            "-",
            {pk: proceedings.carries_26_weeks(p.application_type) for pk, p in by_pk.items()},
            members(
                by_pk,
                all_proceedings.filter(proceedings.carries_26_weeks_q()).values_list(
                    "pk", flat=True
                ),
            ),
            proceedings_text,
        )

        def limit(p: Proceedings) -> dt.date | None:
            if p.issue_date is None and p.extended_to is None:
                return None  # no limit to count (the SQL form gives NULL)
            return proceedings.limit_date(p.issue_date, p.extended_to)  # type: ignore[arg-type]

        with_limit = all_proceedings.annotate(limit=proceedings.limit_date_expression())
        assert_same(
            "limit_date",
            "-",
            {pk: limit(p) for pk, p in by_pk.items()},
            dict(with_limit.values_list("pk", "limit")),
            proceedings_text,
        )

        edges = [
            d
            for p in made
            for d in [
                *_around(p.issue_date),
                *_around(p.concluded_date),
                *_around(p.extended_to),
                *_around(limit(p)),
                *(d for h in hearings_of[p.pk] for d in _around(h.hearing_date)),
            ]
        ]
        for on in _as_at_dates(data, edges, most=14):
            is_open = {pk: proceedings.is_open_on(p, on) for pk, p in by_pk.items()}
            assert_same(
                "is_open_on",
                on,
                is_open,
                members(
                    by_pk,
                    all_proceedings.filter(proceedings.open_on_q(on)).values_list("pk", flat=True),
                ),
                proceedings_text,
            )
            assert_same(
                "is_open_on, through proceedings__ (siblings sharing proceedings)",
                on,
                {link: is_open[link[0]] for link in links},
                members(
                    links,
                    Proceedings.children.through.objects.filter(
                        proceedings.open_on_q(on, "proceedings__"), proceedings_id__in=by_pk
                    ).values_list("proceedings_id", "child_id"),
                ),
                lambda link: proceedings_text(link[0]),
            )
            assert_same(
                "past the limit (limit_date < on)",
                on,
                {pk: limit(p) is not None and limit(p) < on for pk, p in by_pk.items()},  # type: ignore[operator]
                members(by_pk, with_limit.filter(limit__lt=on).values_list("pk", flat=True)),
                proceedings_text,
            )

            def pure_child(pk: int, on: dt.date = on) -> tuple[Any, ...]:
                open_now = [p for p in of_child[pk] if proceedings.is_open_on(p, on)]
                hearings = [h for p in open_now for h in hearings_of[p.pk]]

                def date_of(h: Any) -> dt.date | None:
                    return None if h is None else h.hearing_date

                return (
                    bool(open_now),
                    any(p.application_type == application_type for p in open_now),
                    date_of(proceedings.next_hearing(hearings, on)),
                    date_of(proceedings.next_hearing(hearings, on, proceedings.FINAL)),
                    date_of(proceedings.next_hearing(hearings, on, kind)),
                )

            rows = all_children.annotate(
                open=proceedings.open_exists(on),
                open_of_type=proceedings.open_exists(on, application_type=application_type),
                next=proceedings.next_hearing_subquery(on),
                next_final=proceedings.next_hearing_subquery(on, kind=proceedings.FINAL),
                next_kind=proceedings.next_hearing_subquery(on, kind=kind),
            ).values_list("pk", "open", "open_of_type", "next", "next_final", "next_kind")
            assert_same(
                f"(open, open {application_type}, next hearing, next final, next {kind})",
                on,
                {pk: pure_child(pk) for pk in kids},
                {pk: tuple(rest) for pk, *rest in rows},
                child_text,
            )


# Permanence plans: plans.plan_at ------------------------------------------------------------

PLAN_TYPES = codes.PermanencePlanType.values


# When a plan was recorded (UTC): often close to midnight, where the day in London differs.
recorded_moments = st.builds(
    lambda day, minutes: (
        dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    ),
    some_dates,
    st.one_of(st.integers(0, 24 * 60 - 1), st.sampled_from([0, 30, 59, 60, 23 * 60 + 30])),
)


@st.composite
def plan_records(
    draw: Any, n_children: int
) -> list[tuple[int, str, str, dt.date | None, dt.datetime]]:
    """(child index, plan, parallel plan, agreed, recorded at) in the order they are
    recorded: not in date order, often two of a child's plans agreed the same day, and some
    with no agreed date (in force from the day they were recorded)."""
    rows: list[tuple[int, str, str, dt.date | None, dt.datetime]] = []
    for _ in range(draw(st.integers(0, 4 * n_children))):
        child = draw(st.integers(0, n_children - 1))
        earlier = [r[3] for r in rows if r[0] == child and r[3] is not None]
        if earlier and draw(st.integers(0, 2)) == 0:
            agreed = draw(st.sampled_from(earlier))  # the same day as one recorded before
        elif draw(st.integers(0, 4)) == 0:
            agreed = None
        else:
            agreed = draw(some_dates)
        plan = draw(st.sampled_from(PLAN_TYPES))
        parallel = draw(st.one_of(st.just(""), st.sampled_from(PLAN_TYPES)))
        rows.append((child, plan, parallel, agreed, draw(recorded_moments)))
    return rows


@pairs_settings(60)
@given(n_children=st.integers(1, 8), data=st.data())
def test_plan_at_in_sql_is_the_pure_one(db, n_children, data):
    records = data.draw(plan_records(n_children), label="plans")
    with rolled_back():
        children = make_children(n_children)
        made = PermanencePlan.objects.bulk_create(
            PermanencePlan(child=children[i], plan=plan, parallel_plan=parallel, agreed_date=agreed)
            for i, plan, parallel, agreed, _ in records
        )
        assert all(p.pk is not None for p in made)
        for plan_row, (*_, recorded) in zip(made, records, strict=True):  # not auto_now_add
            PermanencePlan.objects.filter(pk=plan_row.pk).update(recorded_at=recorded)
        made = list(PermanencePlan.objects.filter(pk__in=[p.pk for p in made]).order_by("pk"))
        assert [p.pk for p in made] == sorted(p.pk for p in made)  # ids in recording order
        kids = [c.pk for c in children]
        in_id_order = {
            pk: sorted((p for p in made if p.child_id == pk), key=lambda p: p.pk) for pk in kids
        }

        def child_text(pk: int) -> str:
            return "child with plans (in recording order) " + ", ".join(
                f"#{p.pk} {p.plan}/{p.parallel_plan or '-'} {p.agreed_date} ({p.recorded_at})"
                for p in in_id_order[pk]
            )

        all_children = Child.objects.filter(pk__in=kids)
        edges = [d for p in made for d in _around(plans.in_force_from(p))]
        for on in _as_at_dates(data, edges, most=14):

            def pure(pk: int, on: dt.date = on) -> tuple[Any, ...]:
                plan = plans.plan_at(in_id_order[pk], on)
                if plan is None:
                    return (None, None, None, None)
                return (plan.pk, plan.plan, plan.parallel_plan, plan.agreed_date)

            fields = ("id", "plan", "parallel_plan", "agreed_date")
            rows = all_children.annotate(
                **{f"now_{f}": plans.plan_at_subquery(on, f) for f in fields}
            ).values_list("pk", *(f"now_{f}" for f in fields))
            expected = {pk: pure(pk) for pk in kids}
            assert_same(
                "plan_at (id, plan, parallel plan, agreed)",
                on,
                expected,
                {pk: tuple(rest) for pk, *rest in rows},
                child_text,
            )
            assert_same(
                "includes an SGO (plan or parallel plan)",
                on,
                {pk: plans.includes_sgo(plans.plan_at(in_id_order[pk], on)) for pk in kids},
                members(
                    kids,
                    all_children.annotate(
                        now_plan=plans.plan_at_subquery(on, "plan"),
                        now_parallel=plans.plan_at_subquery(on, "parallel_plan"),
                    )
                    .filter(plans.includes_q(plans.SGO, "now_plan", "now_parallel"))
                    .values_list("pk", flat=True),
                ),
                child_text,
            )
            # Over another model holding the child's pk (outer="child_id"), one row a plan.
            assert_same(
                "plan_at, outer='child_id'",
                on,
                {p.pk: expected[p.child_id][0] for p in made},
                dict(
                    PermanencePlan.objects.filter(child_id__in=kids)
                    .annotate(now=plans.plan_at_subquery(on, "id", "child_id"))
                    .values_list("pk", "now")
                ),
                lambda pk: child_text(next(p.child_id for p in made if p.pk == pk)),
            )


# Exit routes: exits.route_of -----------------------------------------------------------------

# Every REC code, blank, and near misses a file might carry (case, a missing letter).
REASONS = ["", *codes.ReasonCeased.values, "e45", "E4", "E1", "X", "x1", " E4", "E4C", "E49"]


@pairs_settings(40)
@given(reasons=st.lists(st.sampled_from(REASONS), min_size=1, max_size=30))
def test_route_case_is_route_of(db, reasons):
    with rolled_back():
        (child,) = make_children(1)
        made = Episode.objects.bulk_create(
            Episode(
                child=child,
                start_date=FIRST + days(n),
                end_date=FIRST + days(n + 1),
                reason_ceased=r,
            )
            for n, r in enumerate([*reasons, *REASONS])  # every reason, every time
        )
        assert_same(
            "route_of",
            "-",
            {e.pk: exits.route_of(e.reason_ceased) for e in made},
            dict(
                Episode.objects.filter(child=child)
                .annotate(route=exits.route_case())
                .values_list("pk", "route")
            ),
            lambda pk: repr(next(e.reason_ceased for e in made if e.pk == pk)),
        )
