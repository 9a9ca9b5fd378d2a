"""Disclosure control (issue 16, item 6): the ledger on small hand-made tables, and an attack
on every download and Word report: read what the files show, write down how their numbers
add up (from the tables' meaning, not from the code that hid them), and for each hidden count
find the least and the most it can be. None may be narrowed to a range under 5 wide."""

import csv
import datetime as dt
import io
import math
import re

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from assure.core import clock
from assure.insights import dashboard, disclosure, reports
from assure.insights.docx import render
from assure.insights.exits import ROUTES, EpisodeRow, analyse
from assure.insights.selectors import exits_analysis
from tests.factories import TeamFactory, UserFactory

from .helpers import D, child_with, period

TODAY = D(2026, 7, 15)
pytestmark = pytest.mark.django_db
HIDDEN = disclosure.HIDDEN


# The ledger ----------------------------------------------------------------------------------


def two_way(
    values: list[list[int]], kind: type[disclosure.Ledger] = disclosure.Ledger
) -> tuple[disclosure.Ledger, dict]:
    ledger = kind(base={(r, c): v for r, row in enumerate(values) for c, v in enumerate(row)})
    index = {}
    for r, row in enumerate(values):
        for c in range(len(row)):
            index[(r, c)] = ledger.add([(r, c)])
        index[(r, "total")] = ledger.add([(r, c) for c in range(len(row))])
    for c in range(len(values[0])):
        index[("total", c)] = ledger.add([(r, c) for r in range(len(values))])
    return ledger, index


def test_one_small_cell_in_a_line_with_a_total_is_not_enough():
    ledger, index = two_way([[2, 7, 9], [8, 6, 7], [9, 9, 12]])
    hidden = ledger.protect()
    assert index[(0, 0)] in hidden
    # its row and its column each hide another count, or their totals
    assert len(hidden) >= 3
    for i in hidden:
        if ledger.cells[i].primary:
            low, high = ledger.range_of(i, hidden)
            assert high - low >= disclosure.PROTECTION


def test_zero_is_shown_and_nothing_is_hidden_without_need():
    ledger, index = two_way([[0, 7, 9], [8, 6, 7]])
    assert ledger.protect() == set()


def test_two_small_cells_that_only_add_to_a_small_sum_are_widened():
    # 1 and 2 in a row of total 3 plus 40: hiding both leaves each within 0..3: not enough
    ledger, index = two_way([[1, 2, 40], [9, 8, 7]])
    hidden = ledger.protect()
    for i in hidden:
        if ledger.cells[i].primary:
            low, high = ledger.range_of(i, hidden)
            assert high - low >= disclosure.PROTECTION, ledger.cells[i]


def test_a_count_shown_twice_is_hidden_in_both_places():
    ledger = disclosure.Ledger(base={"a": 3, "b": 9})
    first, second = ledger.add(["a"]), ledger.add(["a"])
    ledger.add(["a", "b"])
    hidden = ledger.protect()
    assert {first, second} <= hidden


def test_a_small_count_pinned_only_by_an_identity_hides_what_the_identity_links():
    # a + b = c is known to the reader; a (2) shares no shown total, yet b and c pin it
    ledger = disclosure.Ledger(
        base={"a": 2, "b": 5, "c": 7}, identities=[{"a": 1, "b": 1, "c": -1}]
    )
    small, b, c = ledger.add(["a"]), ledger.add(["b"]), ledger.add(["c"])
    hidden = ledger.protect()
    assert hidden == {small, b, c}
    low, high = ledger.range_of(small, hidden)
    assert high - low >= disclosure.PROTECTION


class ByProgramme(disclosure.Ledger):
    """The defence with every question put to the linear programme (`range_of`), as it was
    before the cheaper proofs: what `protect` must agree with."""

    def protected(self, index: int, hidden: set[int]) -> bool:
        low, high = self.range_of(index, hidden)
        return high - low >= disclosure.PROTECTION

    def pinned(self, index: int, hidden: set[int]) -> bool:
        low, high = self.range_of(index, hidden)
        return high - low < 0.5


def test_a_cell_no_shown_count_mentions_proves_protection_without_a_programme():
    # a (2) lies only in hidden counts: it could be any size, so its count is unbounded
    ledger = disclosure.Ledger(base={"a": 2, "b": 9})
    small, total = ledger.add(["a"]), ledger.add(["a", "b"])
    ledger.add(["b"])
    hidden = {small, total}
    assert ledger.protected(small, hidden)
    assert ledger._attack()._solver is None
    assert ledger.range_of(small, hidden)[1] == math.inf


def test_a_small_shown_total_proves_a_count_unprotected_without_a_programme():
    # 1 + 2 = 3 is shown: the hidden 1 is between 0 and 3, under 5 wide
    ledger = disclosure.Ledger(base={"a": 1, "b": 2, "c": 40})
    one, two = ledger.add(["a"]), ledger.add(["b"])
    ledger.add(["a", "b"]), ledger.add(["c"]), ledger.add(["a", "b", "c"])
    assert not ledger.protected(one, {one, two})
    assert ledger._attack()._solver is None
    assert ledger.range_of(one, {one, two}) == (0, 3)


def test_where_no_cheap_proof_answers_the_programme_decides_both_ways():
    ledger, index = two_way([[2, 7, 9], [8, 6, 7], [9, 9, 12]])
    # a 2 by 2 block hidden in a table whose totals are shown: 2 could be 0 to 9
    block = {index[(0, 0)], index[(0, 1)], index[(1, 0)], index[(1, 1)]}
    assert ledger.protected(index[(0, 0)], block)
    # The kept model, not the fallback: a scipy that moved its HiGHS binding fails here
    # rather than making every first download slow without a word.
    assert isinstance(ledger._attack()._solver, disclosure._Programme)
    assert ledger.range_of(index[(0, 0)], block) == (0, 9)
    # its row hidden, but not its column: the column's total less the shown 8 and 9 pins it
    ledger, index = two_way([[2, 7, 9], [8, 6, 7], [9, 9, 12]])
    row = {index[(0, 0)], index[(0, 1)]}
    assert not ledger.protected(index[(0, 0)], row)
    assert isinstance(ledger._attack()._solver, disclosure._Programme)
    assert ledger.range_of(index[(0, 0)], row) == (2, 2)
    assert ledger.pinned(index[(0, 0)], row)


def test_counts_no_base_could_give_are_not_waved_through_by_a_shortcut():
    # a is fixed at 2 and the identity says b = a, yet b is shown as 6: no counts fit. The
    # free cell c would prove its count protected, but the shortcuts stand on the true base
    # fitting, so the question goes to the programme, which says the check failed.
    ledger = disclosure.Ledger(
        base={"a": 2, "b": 6, "c": 1}, identities=[{"a": 1, "b": -1}], fixed={"a"}
    )
    small = ledger.add(["c"])
    ledger.add(["b"])
    assert not ledger._attack().sound
    with pytest.raises(RuntimeError, match="disclosure check failed"):
        ledger.protected(small, {small})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=12), min_size=2, max_size=4),
        min_size=2,
        max_size=4,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1)
)
def test_the_cheaper_proofs_hide_exactly_what_the_programme_alone_would(values):
    ledger, _ = two_way(values)
    reference, _ = two_way(values, ByProgramme)
    assert ledger._protect() == reference._protect()


# The attack on every download and report -----------------------------------------------


@pytest.fixture
def council(db):
    """Small numbers by route and month around a programme start on 1 January 2026, with
    children who came back, returns home of every kind, and young people leaving at 18."""
    team = TeamFactory(name="North")
    plan = [
        # (exit, reason, came back, born)
        *[(D(2025, m, 5 + i), "E45", False, D(2015, 1, 1)) for m in range(1, 13) for i in range(2)],
        *[
            (D(2026, m, 5 + i), "E45", i == 0 and m < 4, D(2015, 1, 1))
            for m in range(1, 7)
            for i in range(3)
        ],
        *[(D(2025, m, 20), "E4A", m % 3 == 0, D(2012, 1, 1)) for m in range(2, 13, 2)],
        *[(D(2026, m, 20), "E4B", True, D(2012, 1, 1)) for m in (2, 5)],
        *[(D(2025, m, 25), "E13", False, D(2011, 1, 1)) for m in (3, 9)],
        *[(D(2025, m, 15), "E17", False, D(2007, m, 1)) for m in range(1, 13)],
        *[(D(2026, m, 15), "E5", False, D(2008, m, 1)) for m in range(1, 7)],
        (D(2025, 6, 1), "E41", False, D(2014, 1, 1)),
        (D(2025, 11, 1), "E11", False, D(2020, 1, 1)),
    ]
    for n, (left, reason, back, born) in enumerate(plan):
        child = child_with(child_id=f"X{n}", team=team)
        child.date_of_birth = born
        child.save(update_fields=["date_of_birth"])
        period(child, start=D(2023, 6, 1), end=left, reason=reason)
        if back:
            period(child, start=left + dt.timedelta(days=40))
    for n in range(30):  # looked after throughout, and some entering
        child = child_with(child_id=f"L{n}", team=team)
        period(child, start=D(2024, 1, 1) if n < 24 else D(2025, 1 + 2 * (n - 24), 3))
    return UserFactory(username="lead", roles=["assurance_lead"])


QUERY = "?date_from=2025-01-01&date_to=2026-06-30&interval=month&programme_start=2026-01-01"


class Attack:
    """The reader's linear model: unknowns are the counts of exits by route, kind, month,
    follow-up and side of the programme start (every split the reader could think possible),
    entries by month, and the number looked after at the start; what the documents show
    are equations over them."""

    def __init__(self, analysis, programme_start):
        # The reader knows the rules (how Assure counts) and today's date: the base split.
        self.base = dashboard.Base(analysis, programme_start)
        dashboard._stock_base(self.base)
        self.unknowns = [k for k in self.base.cells if k[0] in ("x", "e", "s0", "sd")]
        self.rows: list[tuple[dict, float]] = []
        self.targets: list[tuple[str, dict]] = []
        self.extra = 0

    def exits(self, **want) -> dict:
        names = ("route", "kind", "month", "status", "after")
        found = {}
        for key in self.unknowns:
            if key[0] != "x":
                continue
            fields = dict(zip(names, key[1:], strict=True))
            if all(
                fields[name] in value
                if isinstance(value, (set, frozenset, str)) and name in ("route", "status")
                else fields[name] == value
                for name, value in want.items()
            ):
                found[key] = 1
        return found

    def stock_after(self, month: dt.date) -> dict:
        terms = {("s0",): 1}
        for p in self.base.analysis.periods:
            if p > month:
                break
            terms[("e", p)] = 1
            terms[("sd", p)] = 1
            for k in self.exits(month=p):
                terms[k] = terms.get(k, 0) - 1
        return terms

    def fresh(self) -> dict:
        """A count the reader cannot tie to anything else: an unknown of its own."""
        self.extra += 1
        key = ("free", self.extra)
        self.unknowns.append(key)
        return {key: 1}

    def see(self, where: str, terms: dict, shown: str) -> None:
        if shown == HIDDEN:
            self.targets.append((where, terms))
        elif shown not in ("", None):
            self.rows.append((terms, float(shown)))

    def ranges(self) -> list[tuple[str, float, float, float]]:
        """For each hidden count: where it is, its least and most, and its true value."""
        import numpy as np
        from scipy.sparse import csr_matrix

        position = {k: i for i, k in enumerate(self.unknowns)}
        data, rows, cols = [], [], []
        for r, (terms, _) in enumerate(self.rows):
            for k, c in terms.items():
                rows.append(r)
                cols.append(position[k])
                data.append(c)
        a_eq = csr_matrix((data, (rows, cols)), shape=(len(self.rows), len(position)))
        b_eq = np.array([v for _, v in self.rows])
        bounds = [
            (self.base.cells[k], self.base.cells[k]) if k[0] == "sd" else (0, None)
            for k in self.unknowns
        ]
        found = []
        for where, terms in self.targets:
            c = np.zeros(len(position))
            for k, coef in terms.items():
                c[position[k]] = coef
            ends = []
            for sign in (1, -1):
                result = linprog(sign * c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
                assert result.status in (0, 3), result.message
                ends.append(sign * result.fun if result.status == 0 else sign * -math.inf)
            truth = sum(coef * self.base.cells.get(k, 0) for k, coef in terms.items())
            found.append((where, ends[0], ends[1], truth))
        return found


def month_of(label: str) -> dt.date:
    return dt.datetime.strptime(label, "%B %Y").date()


SPC_TABLES = {
    "exits": {},
    "exit-decisions": {"kind": "decision"},
    "exits-adulthood": {"kind": "adulthood"},
    "exits-other": {"kind": "other"},
    "exits-sgo": {"route": {"sgo"}},
    "exits-cao": {"route": {"cao"}},
    "exits-return-home": {
        "route": {"return_home_planned", "return_home_unplanned", "return_home_without_pr"}
    },
    "exits-adoption": {"route": {"adoption"}},
}
ROUTE_BY_LABEL = {label: route for route, label in dashboard.ROUTE_LABELS.items()}


def read_table(attack: Attack, slug: str, headers: list[str], rows: list[list[str]]) -> None:
    """The equations a reader writes for one table, from what its columns mean."""
    col = {h: i for i, h in enumerate(headers)}
    for row in rows:
        where = f"{slug}: {row[0]}"
        if slug in SPC_TABLES and "Count" in col:
            attack.see(
                where, attack.exits(month=month_of(row[0]), **SPC_TABLES[slug]), row[col["Count"]]
            )
        elif slug == "entries":
            attack.see(where, {("e", month_of(row[0])): 1}, row[col["Count"]])
        elif slug == "looked-after":
            attack.see(
                where, attack.stock_after(month_of(row[0])), row[col["Looked after at the end"]]
            )
        elif slug == "exits-per-100":
            month = month_of(row[0])
            attack.see(where, attack.exits(month=month), row[col["Exits"]])
            before = [p for p in attack.base.analysis.periods if p < month]
            stock = attack.stock_after(before[-1]) if before else {("s0",): 1}
            attack.see(where + " stock", stock, row[col["Looked after at the start"]])
        elif slug == "reentry-rate":
            month = month_of(row[0])
            attack.see(where, attack.exits(month=month, kind="decision", status="bn"), row[1])
            attack.see(
                where + " back", attack.exits(month=month, kind="decision", status="b"), row[2]
            )
        elif slug == "reentry":
            route = ROUTE_BY_LABEL[row[0]]
            for status, column in (("wbn", 1), ("w", 2), ("bn", 3), ("b", 4)):
                attack.see(
                    f"{where} {headers[column]}",
                    attack.exits(route={route}, status=status),
                    row[column],
                )
        elif slug == "compare-reentry":
            routes = next(g[2] for g in dashboard.ROUTE_GROUPS if g[1] == row[0])
            after = row[1] == dashboard.AFTER_LABEL[True]
            attack.see(
                where, attack.exits(route=routes, kind="decision", status="bn", after=after), row[2]
            )
            attack.see(
                where + " back",
                attack.exits(route=routes, kind="decision", status="b", after=after),
                row[3],
            )
        elif slug == "rate-ratio":
            kind = {
                "Exit decisions": {"kind": "decision"},
                "Exits on reaching adulthood": {"kind": "adulthood"},
                "All exits": {},
            }[row[0]]
            periods = attack.base.analysis.periods
            split = next(i for i, p in enumerate(periods) if p >= D(2026, 1, 1))
            for column, months in ((1, periods[:split]), (3, periods[split:])):
                terms = {}
                for m in months:
                    terms.update(attack.exits(month=m, **kind))
                attack.see(f"{where} {headers[column]}", terms, row[column])
        elif slug == "time-in-care":
            if row[0] in ROUTE_BY_LABEL:
                terms = attack.exits(route={ROUTE_BY_LABEL[row[0]]})
            else:
                after = row[0].endswith(dashboard.AFTER_LABEL[True].lower())
                terms = attack.exits(kind="decision", after=after)
            attack.see(where, terms, row[1])
        else:  # a count the reader cannot tie to the exits: its own unknown
            for c, value in enumerate(row[1:], start=1):
                if re.fullmatch(r"\d+|c", value or ""):
                    attack.see(f"{where} {headers[c]}", attack.fresh(), value)


def assert_nothing_recoverable(attack: Attack) -> None:
    """No hidden count is pinned down exactly, and none of 1 to 4 can be narrowed to a range
    under 5 wide. (A count the reader cannot tie to the exits is its own unknown: only its
    own table's "c" hides it, so only exact recovery is possible, and none is.)"""
    assert attack.targets, "the data have small counts: something must be hidden"
    # The reader's equations hold for the true counts (else the attack reads a table wrong).
    wrong = [
        (terms, value)
        for terms, value in attack.rows
        if abs(sum(c * attack.base.cells.get(k, 0) for k, c in terms.items()) - value) > 1e-9
        and not any(k[0] == "free" for k in terms)
    ]
    assert not wrong, wrong[:3]
    found = attack.ranges()
    exact = [(w, lo) for w, lo, hi, _ in found if hi - lo < 0.5]
    assert not exact, exact[:10]
    narrow = [
        (w, lo, hi, truth)
        for w, lo, hi, truth in found
        if 0 < truth < disclosure.SUPPRESS_BELOW and hi - lo < disclosure.PROTECTION
    ]
    assert not narrow, narrow[:10]
    assert any(0 < truth < disclosure.SUPPRESS_BELOW for *_, truth in found)


def test_no_hidden_count_can_be_worked_out_from_the_downloads(client, council):
    client.force_login(council)
    with clock.frozen_at(TODAY):
        page = client.get("/insights/exits/" + QUERY).content.decode()
        slugs = sorted(set(re.findall(r"/insights/exits/([a-z0-9-]+)\.csv", page)))
        assert {"exits", "reentry", "compare-reentry", "rate-ratio", "looked-after"} <= set(slugs)
        analysis = exits_analysis(user=council, date_from=D(2025, 1, 1), date_to=D(2026, 6, 30))
        attack = Attack(analysis, D(2026, 1, 1))
        for slug in slugs:
            response = client.get(f"/insights/exits/{slug}.csv" + QUERY)
            assert response.status_code == 200, slug
            lines = list(csv.reader(io.StringIO(response.content.decode())))
            headers, rows = lines[0], [r for r in lines[1:] if len(r) == len(lines[0])]
            read_table(attack, slug, headers, rows)
            # What rests on a hidden count is hidden with it: no mean, limit or rate beside
            # a "c" in a chart's table.
            if slug in SPC_TABLES and any(r[1] == HIDDEN for r in rows):
                assert {r[2] for r in rows} == {HIDDEN}, slug
    assert_nothing_recoverable(attack)


def captioned_tables(document) -> list[tuple[str, list[list[str]]]]:
    found, caption = [], ""
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(block, document)
            if paragraph.style.name == "Caption":
                caption = paragraph.text
        elif tag == "tbl":
            table = docx.table.Table(block, document)
            found.append((caption, [[c.text for c in r.cells] for r in table.rows]))
    return found


def test_no_hidden_count_can_be_worked_out_from_the_word_report(council):
    with clock.frozen_at(TODAY):
        report = reports.stage_review(
            user=council,
            date_from=D(2025, 1, 1),
            date_to=D(2026, 6, 30),
            programme_start=D(2026, 1, 1),
        )
        document = docx.Document(io.BytesIO(render(report)))
        analysis = exits_analysis(user=council, date_from=D(2025, 1, 1), date_to=D(2026, 6, 30))
    attack = Attack(analysis, D(2026, 1, 1))
    page = dashboard.build(analysis, programme_start=D(2026, 1, 1), grades={}, assessment_starts={})
    slug_of = {m.title: m.slug for m in page.measures}
    for caption, rows in captioned_tables(document):
        if caption in slug_of:
            read_table(attack, slug_of[caption], rows[0], rows[1:])
    assert_nothing_recoverable(attack)
    texts = "\n".join(p.text for p in document.paragraphs)
    # No sentence gives a count the tables hide: the re-entry sentence, resting on hidden
    # counts, is replaced.
    assert "Of 98 exits in the period" not in texts
    # Returns home are rare (a t chart) and the last was on 20 May 2026: the open interval
    # says that none followed to 30 June, a zero over months whose counts may be hidden. Like
    # the events themselves, it stays in Assure.
    returns = page.get("exits-return-home")
    assert returns.spc.chart.open_point is not None and "no event for 41 days" in returns.sentence
    assert "no event for" not in texts
    assert not any(
        "Open, to" in cell for _, rows in captioned_tables(document) for r in rows for cell in r
    )


def test_an_open_interval_that_moved_a_chart_stays_in_assure():
    """A rare route quiet for longer than its upper limit is a finding on the page, but says
    that a route's months were zero: it leaves in no download, sentence or finding."""
    days = [D(2025, 1, 5)]
    for gap in [20, 40] * 6:
        days.append(days[-1] + dt.timedelta(days=gap))
    rows = [EpisodeRow(n, n, D(2024, 1, 1), day, "S", "E11") for n, day in enumerate(days, 1)]
    analysis = analyse(rows, date_from=D(2025, 1, 1), date_to=D(2026, 6, 30), today=TODAY)
    page = dashboard.build(analysis, programme_start=None)
    adoption = page.get("exits-adoption")
    assert adoption.moved and adoption.sentence in [f.text for f in page.findings]
    assert "no event for 181 days" in adoption.sentence
    shared = dashboard.export(page)
    assert shared.rows(adoption) == [] and "no event for" not in shared.sentence(adoption)
    assert not any("no event for" in text for text in shared.findings())
    for m in page.measures:
        assert "no event for" not in shared.sentence(m)
        assert not any("Open, to" in str(cell) for row in shared.rows(m) for cell in row)


def test_every_route_is_in_the_attack():
    assert set(ROUTE_BY_LABEL.values()) == set(ROUTES)


def test_the_attack_finds_what_hiding_only_small_counts_would_leak(council):
    """The attack has teeth: with only the counts of 1 to 4 hidden (no complementary
    suppression), it works some of them out."""
    with clock.frozen_at(TODAY):
        analysis = exits_analysis(user=council, date_from=D(2025, 1, 1), date_to=D(2026, 6, 30))
        page = dashboard.build(analysis, programme_start=D(2026, 1, 1))
    naive = dashboard.Export(
        page=page,
        hidden={i for i, cell in enumerate(page.ledger.cells) if cell.primary and cell.terms},
    )
    attack = Attack(analysis, D(2026, 1, 1))
    for m in page.measures:
        if m.exportable and m.rows:
            read_table(attack, m.slug, m.headers, [[str(v) for v in r] for r in naive.rows(m)])
    # Stop at the first count it works out (quicker than trying them all).
    targets, leak = list(attack.targets), None
    for target in targets:
        attack.targets = [target]
        ((where, low, high, truth),) = attack.ranges()
        if 0 < truth < disclosure.SUPPRESS_BELOW and high - low < disclosure.PROTECTION:
            leak = where
            break
    assert leak is not None
