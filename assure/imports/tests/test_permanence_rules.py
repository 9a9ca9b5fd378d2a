"""The DfE's 903 rules that bear on permanence, each on both sides of its edge: the
history that breaks the rule gets the warning (named by the DfE's code), the nearest
history that keeps it does not."""

from __future__ import annotations

import pytest

from assure.imports.ssda903.catalogue import ALL_RULES

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS

pytestmark = pytest.mark.django_db

PLACED = "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED"
AD1 = "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE"
PREV_PERM = "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM"


def ep(
    decom: str,
    rne: str,
    ls: str,
    place: str,
    dec: str = "",
    rec: str = "",
    *,
    provider: str = "PR1",
    post: str = "AB3 4EF",
    urn: str = "SC1",
) -> str:
    provider = "PR0" if place == "P1" else provider
    return f"C1,{decom},{rne},{ls},N1,{place},{provider},{dec},{rec},,AB1 2CD,{post},{urn}"


def fired(write, run, episodes, *, dob="01/01/2010", extra=(), year=2020):  # type: ignore[no-untyped-def]
    """The warnings' codes and DfE codes from a dry run of one child's history."""
    files = [
        write("h.csv", f"{HEADER_COLUMNS}\nC1,1,{dob},WBRI,,,\n"),
        write("e.csv", EPISODE_COLUMNS + "\n" + "\n".join(episodes) + "\n"),
    ]
    for n, (columns, lines) in enumerate(extra):
        files.append(write(f"x{n}.csv", columns + "\n" + "\n".join(lines) + "\n"))
    result = run(*files, dry_run=True, options={"year": year})
    assert result.status == "dry_run", result.errors
    return {p.code for p in result.warnings}, result.warnings


X1_FROM_FOSTER = ep("01/01/2019", "S", "C2", "U4", "01/06/2019", "X1")
X1_FROM_HOME = ep("01/01/2019", "S", "C2", "K2", "01/06/2019", "X1")
LEFT_2018 = ep("01/01/2018", "S", "C2", "U4", "01/02/2018", "E4A")
ADOPTED_2020 = ep("01/03/2019", "S", "E1", "A6", "01/06/2020", "E11")
L1_FIRST = ep("01/01/2020", "S", "L1", "U4", "03/01/2020", "X1")
L1_SHORT = ep("01/01/2020", "S", "L1", "U4", "02/01/2020", "X1")
FOSTER_2020 = ep("01/01/2020", "S", "C2", "U4", "01/02/2020", "X1")

CASES = [
    # (rule, history that breaks it, the nearest that keeps it, extra tables for both)
    (
        "episode-after-death-or-18",
        [ep("01/01/2019", "S", "C2", "U4", "01/06/2019", "E2"), ep("02/06/2019", "S", "C2", "U4")],
        [ep("01/01/2019", "S", "C2", "U4", "01/06/2019", "E2")],
        (),
    ),
    (
        "episode-after-death-or-18",
        [ep("01/01/2019", "S", "V2", "U4", "01/06/2019", "E15"), ep("02/07/2019", "S", "V2", "K2")],
        [ep("01/01/2019", "S", "V2", "U4", "01/06/2019", "E4A"), ep("02/07/2019", "S", "V2", "K2")],
        (),
    ),
    (
        "freeing-order-after-2005",
        [ep("01/01/2006", "S", "D1", "U4")],
        [ep("31/12/2005", "S", "D1", "U4")],
        ((PLACED, ["C1,01/01/2004,01/11/2005,,"]),),
    ),
    (
        "parents-under-s20",
        [ep("01/01/2020", "S", "V2", "P1")],
        [ep("01/01/2020", "S", "C2", "P1")],
        (),
    ),
    (
        "adopted-not-placed",
        [ep("01/01/2019", "S", "E1", "U4", "01/06/2020", "E11")],
        [ep("01/01/2019", "S", "E1", "A6", "01/06/2020", "E11")],
        ((PLACED, ["C1,01/01/2010,01/12/2018,,"]),),
    ),
    (
        "adoption-placement-not-after-foster",
        [X1_FROM_HOME, ep("01/06/2019", "B", "E1", "A5")],
        [X1_FROM_FOSTER, ep("01/06/2019", "B", "E1", "A5")],
        ((PLACED, ["C1,01/01/2010,01/03/2019,,"]),),
    ),
    (
        "adoption-placement-not-after-foster",
        [X1_FROM_HOME, ep("01/06/2019", "B", "E1", "A5")],
        # Placed with a new family (A6), not the current foster carer: any placement may go before.
        [X1_FROM_HOME, ep("01/06/2019", "B", "E1", "A6")],
        ((PLACED, ["C1,01/01/2010,01/03/2019,,"]),),
    ),
    (
        "placed-for-adoption-no-decision",
        [ep("01/01/2019", "S", "E1", "A6")],
        [ep("01/01/2019", "S", "E1", "A6")],
        None,  # the near miss has the decision
    ),
    (
        "placement-order-no-decision",
        [ep("01/01/2019", "S", "E1", "U4")],
        [ep("01/01/2019", "S", "E1", "U4")],
        None,
    ),
    (
        "freeing-order-no-decision",
        [ep("01/01/2005", "S", "D1", "U4")],
        [ep("01/01/2005", "S", "D1", "U4")],
        None,
    ),
    (
        "left-care-adoption-decision-open",
        [ep("01/01/2019", "S", "E1", "A6", "01/06/2020", "E4A")],
        [ep("01/01/2019", "S", "E1", "A6", "01/06/2020", "E11")],
        ((PLACED, ["C1,01/01/2010,01/12/2018,,"]),),
    ),
    (
        "adoption-decision-before-care",
        [ep("01/01/2019", "S", "E1", "A6")],
        [ep("01/01/2019", "S", "E1", "A6")],
        "decision-dates",
    ),
    (
        "ad1-decision-before-period",
        [LEFT_2018, ADOPTED_2020],
        [LEFT_2018, ADOPTED_2020],
        "ad1-dates",
    ),
    (
        "police-protection-too-long",
        [ep("01/01/2020", "S", "L1", "U4", "05/01/2020", "E4A")],
        [ep("01/01/2020", "S", "L1", "U4", "04/01/2020", "E4A")],
        (),
    ),
    (
        # Across an X1 change of placement, the run is measured whole: 2 + 2 days.
        "police-protection-too-long",
        [L1_FIRST, ep("03/01/2020", "P", "L1", "K2", "05/01/2020", "E4A")],
        [L1_SHORT, ep("02/01/2020", "P", "L1", "K2", "04/01/2020", "E4A")],
        (),
    ),
    (
        "epo-too-long",
        [ep("01/01/2020", "S", "L2", "U4", "23/01/2020", "E4A")],
        [ep("01/01/2020", "S", "L2", "U4", "22/01/2020", "E4A")],
        (),
    ),
    (
        "assessment-order-too-long",
        [ep("01/01/2020", "S", "L3", "U4", "09/01/2020", "E4A")],
        [ep("01/01/2020", "S", "L3", "U4", "08/01/2020", "E4A")],
        (),
    ),
    (
        "previous-permanence-without-recent-care",
        [ep("31/03/2016", "S", "C2", "U4")],
        [ep("01/04/2016", "S", "C2", "U4")],
        ((PREV_PERM, ["C1,01/01/2010,P2,,zz/zz/2014"]),),
    ),
    (
        "first-episode-not-s",
        [ep("01/05/2019", "P", "C2", "U4")],  # starts in 2019/20: the first ever should be S
        [ep("01/03/2019", "P", "C2", "U4")],  # began before the year: earlier episodes may exist
        (),
    ),
    (
        "rne-p-t-inconsistent",
        [FOSTER_2020, ep("01/02/2020", "P", "C2", "U4")],
        [FOSTER_2020, ep("01/02/2020", "P", "C2", "U4", urn="SC2")],
        (),
    ),
]  # fmt: skip


def _extra(rule: str, extra, *, breaks: bool):  # type: ignore[no-untyped-def]
    if extra is None:  # the rule is about a missing decision: the near miss has one
        return () if breaks else ((PLACED, ["C1,01/01/2010,01/12/2004,,"]),)
    if extra == "decision-dates":  # decided before care began (01/01/2019), or on the day
        return ((PLACED, [f"C1,01/01/2010,{'31/12/2018' if breaks else '01/01/2019'},,"]),)
    if extra == "ad1-dates":  # before the latest period (from 01/03/2019), or on its first day
        date = "28/02/2019" if breaks else "01/03/2019"
        return ((PLACED, ["C1,01/01/2010,01/03/2019,,"]), (AD1, [f"C1,01/01/2010,{date},,,,,"]))
    return extra


@pytest.mark.parametrize(("rule", "breaks", "keeps", "extra"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_on_both_sides_of_its_edge(write, run, rule, breaks, keeps, extra):
    codes, warnings = fired(write, run, breaks, extra=_extra(rule, extra, breaks=True))
    assert rule in codes, warnings
    message = next(p.message for p in warnings if p.code == rule)
    if ALL_RULES[rule].group.startswith("Permanence"):
        assert f"(DfE rule {ALL_RULES[rule].dfe})" in message
    codes, warnings = fired(write, run, keeps, extra=_extra(rule, extra, breaks=False))
    assert rule not in codes, warnings


@pytest.mark.parametrize(
    ("code", "review", "breaks"),
    [
        ("PN0", "02/01/2014", True),  # the day after the 4th birthday: 4 years old
        ("PN0", "01/01/2014", False),  # on the birthday (the DfE counts "over 4")
        ("PN1", "31/12/2013", True),  # the day before: under 4
        ("PN1", "01/01/2014", False),
    ],
)
def test_review_participation_fits_the_age(write, run, code, review, breaks):
    rule = "review-under-4-code-at-4" if code == "PN0" else "review-code-under-4"
    codes, _ = fired(
        write,
        run,
        [ep("01/06/2013", "S", "C2", "U4")],
        extra=((REVIEWS, [f"C1,01/01/2010,{review},{code}"]),),
        year=2014,
    )
    assert (rule in codes) is breaks


def test_a_first_episode_long_before_the_year_is_not_flagged_but_a_new_one_is(write, run):
    """1,856 warnings on one return where 8 were real: only a first episode starting in the
    return's year is judged."""
    lines = [
        f"{HEADER_COLUMNS}",
        *[f"L{n},1,01/01/2008,WBRI,,," for n in range(5)],
        "N1,1,01/01/2008,WBRI,,,",
    ]
    episodes = [
        EPISODE_COLUMNS,
        *[f"L{n},01/01/2015,P,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1" for n in range(5)],
        "N1,01/06/2023,T,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1",
    ]
    result = run(
        write("h.csv", "\n".join(lines) + "\n"),
        write("903_2023-24_episodes.csv", "\n".join(episodes) + "\n"),
        dry_run=True,
    )
    flagged = [p.child for p in result.warnings if p.code == "first-episode-not-s"]
    assert flagged == ["N1"]


def test_a_stored_decision_counts_for_a_later_return(write, run):
    decision = write("placed.csv", f"{PLACED}\nC1,01/01/2010,01/12/2018,,\n")
    assert run(decision).status == "applied"
    codes, _ = fired(write, run, [ep("01/01/2019", "S", "E1", "A6")])
    assert "placed-for-adoption-no-decision" not in codes
    assert "placement-order-no-decision" not in codes
