"""Values in every layout, the 903 consistency warnings, and later returns extending a
child's history."""

from __future__ import annotations

import datetime as dt

import pytest

from assure.children.models import (
    AdoptionDecision,
    CareLeaverOutcome,
    Child,
    ChildOutcome,
    Episode,
    MissingEpisode,
    PlacedForAdoption,
    PreviousPermanenceRecord,
    Review,
    SocialWorkerEpisode,
)
from assure.imports.ssda903.rules import RULES
from assure.imports.ssda903.values import BadValue, read_date, read_sex, sex_of

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01/02/2020", dt.date(2020, 2, 1)),
        ("1/2/2020", dt.date(2020, 2, 1)),
        ("2020-02-01", dt.date(2020, 2, 1)),
        ("2020-02-01T00:00:00", dt.date(2020, 2, 1)),
        ("01/02/2020 00:00", dt.date(2020, 2, 1)),
        ("43862", dt.date(2020, 2, 1)),  # an Excel serial
        ("43862.0", dt.date(2020, 2, 1)),
    ],
)
def test_dates_in_every_layout(raw, expected):
    assert read_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2020", "2020-13-01", "2020", "yesterday", "1/2/20"])
def test_bad_dates(raw):
    with pytest.raises(BadValue) as exc:
        read_date(raw)
    assert exc.value.code == "invalid-date"


def test_sex_in_both_codings():
    # Kept as written (so that its year can be checked), stored as M, F or U.
    assert [read_sex(s) for s in ("1", "2", "m", "F", "U")] == ["1", "2", "M", "F", "U"]
    assert [sex_of(read_sex(s)) for s in ("1", "2", "m", "F", "U")] == ["M", "F", "M", "F", "U"]
    with pytest.raises(BadValue):
        read_sex("3")


def test_there_are_at_least_fifteen_rules():
    assert len(RULES) >= 15


HEADER = f"{HEADER_COLUMNS}\nC1,1,01/01/2005,WBRI,A123456789012,,\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("episodes", "code", "row"),
    [
        (["01/01/2020,S,C2,N1,U4,PR1,,X1,"], "rec-without-dec", 2),
        (["01/01/2020,S,C2,N1,U4,PR1,01/02/2020,,"], "dec-without-rec", 2),
        (["01/01/2022,S,C2,N1,U4,PR1,02/01/2023,E45,"], "sgo-exit-at-18", 2),
        (["01/01/2020,S,C2,N1,K2,PR4,01/02/2020,E46,"], "sgo-not-after-foster", 2),
        (["01/01/2020,P,C2,N1,U4,PR1,,,"], "first-episode-not-s", 2),
        (
            ["01/01/2020,S,C2,N1,U4,PR1,01/02/2020,E4A,", "01/03/2020,P,C2,N1,U4,PR1,,,"],
            "new-period-not-s",
            3,
        ),
        (
            ["01/01/2020,S,C2,N1,U4,PR1,01/02/2020,X1,CARPL", "01/02/2020,S,C2,N1,U5,PR1,,,"],
            "s-within-period",
            3,
        ),
        (["01/01/2020,S,C2,N1,U4,PR1,,,", "01/03/2020,P,C2,N1,U5,PR1,,,"], "episodes-overlap", 3),
        (
            ["01/01/2020,S,C2,N1,U4,PR1,01/02/2020,X1,CARPL", "05/02/2020,P,C2,N1,U5,PR1,,,"],
            "episodes-gap",
            3,
        ),
        (["01/01/2020,S,C2,N1,U4,PR1,01/02/2020,X1,"], "x1-on-final-episode", 2),
        (["01/01/2020,S,C2,N1,A5,PR1,,,"], "placement-legal-status", 2),
        (["01/01/2020,S,V3,N1,A3,PR1,,,"], "placement-legal-status", 2),
        (["01/01/2020,S,C2,N1,P1,PR1,,,"], "placement-provider", 2),
        (
            ["01/01/2020,S,C2,N1,U4,PR1,01/02/2020,X1,", "01/02/2020,L,C2,N1,U4,PR1,,,"],
            "rne-l-inconsistent",
            3,
        ),
        (["01/01/2000,S,C2,N1,U4,PR1,,,"], "episode-before-birth", 2),
        (["01/06/2023,S,V2,N1,U4,PR1,,,"], "looked-after-at-18", 2),
        (["01/01/2020,S,,N1,U4,PR1,,,"], "missing-value", 2),
        (["01/01/2099,S,C2,N1,U4,PR1,,,"], "date-in-future", 2),
    ],
)
def test_each_episode_rule(write, run, episodes, code, row):
    header = write("h.csv", HEADER)
    body = "\n".join(f"C1,{e},AB1 2CD,AB3 4EF,SC1" for e in episodes)
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{body}\n")
    result = run(header, path, dry_run=True)
    assert result.status == "dry_run"
    found = [(p.row, p.message) for p in result.warnings if p.code == code and p.file == str(path)]
    assert [r for r, _ in found] == [row], result.warnings
    assert all(message for _, message in found)


@pytest.mark.django_db
def test_a_clean_history_has_no_warnings(write, run):
    header = write("h.csv", HEADER)
    path = write(
        "e.csv",
        (
            f"{EPISODE_COLUMNS}\n"
            "C1,01/01/2020,S,C2,N1,U4,PR1,01/02/2020,X1,CARPL,AB1 2CD,AB3 4EF,SC1\n"
            "C1,01/02/2020,P,C2,N1,U1,PR1,01/03/2021,E45,,AB1 2CD,AB3 4EF,SC1\n"
        ),
    )
    assert run(header, path).warnings == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "code", "column"),
    [
        ("C1,1,01/01/2005,WBRI,1234,,", "invalid-upn", "UPN"),
        ("C1,1,01/01/2005,WBRI,UN3,1,01/01/2021", "mother-not-female", "MOTHER"),
        ("C1,2,01/01/2005,WBRI,UN3,0,01/01/2021", "mc-dob-without-mother", "MC_DOB"),
    ],
)
def test_header_rules(write, run, header, code, column):
    result = run(write("h.csv", f"{HEADER_COLUMNS}\n{header}\n"), dry_run=True)
    assert [(p.code, p.column) for p in result.warnings] == [(code, column)]


@pytest.mark.django_db
def test_uasc_rules_and_regional_layout(write, run):
    header = write(
        "h.csv",
        "LA,CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,YEAR\nX,C1,1,2005-01-01,WBRI,UN1,,,2020\n",
    )
    uasc = write("u.csv", "CHILD,SEX,DOB,DUC\nC1,1,02/01/2005,01/06/2023\n")
    result = run(header, uasc)
    assert {p.code for p in result.warnings} == {"dob-mismatch", "duc-after-18"}
    child = Child.objects.get()
    assert (child.uasc, child.uasc_ceased_date, child.date_of_birth) == (
        True,
        dt.date(2023, 6, 1),
        dt.date(2005, 1, 1),
    )


@pytest.mark.django_db
def test_a_later_return_updates_and_extends_the_history(write, run):
    first = write(
        "2020.csv", (f"{EPISODE_COLUMNS}\nC1,01/01/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1\n")
    )
    assert run(first).episodes_loaded == 1
    later = write(
        "2021.csv",
        (
            f"{EPISODE_COLUMNS}\n"
            "C1,01/01/2020,S,C2,N1,U4,PR1,01/02/2021,X1,CARPL,AB1 2CD,AB3 4EF,SC1\n"
            "C1,01/02/2021,P,C2,N1,U1,PR1,,,,AB1 2CD,AB3 4EF,SC1\n"
        ),
    )
    result = run(later)
    assert result.episodes_loaded == 2
    assert result.changes["Episodes"] == {"created": 1, "updated": 1}
    assert list(Episode.objects.values_list("start_date", "end_date", "reason_ceased")) == [
        (dt.date(2020, 1, 1), dt.date(2021, 2, 1), "X1"),
        (dt.date(2021, 2, 1), None, ""),
    ]
    # A return holding only the newer episode is checked against the stored history: it
    # is not the child's first episode, so no "first episode not S" warning.
    only_new = write(
        "2022.csv", (f"{EPISODE_COLUMNS}\nC1,01/02/2021,P,C2,N1,U1,PR1,,,,AB1 2CD,AB3 4EF,SC1\n")
    )
    again = run(only_new)
    assert again.episodes_loaded == 0
    assert "first-episode-not-s" not in {p.code for p in again.warnings}


@pytest.mark.django_db
def test_every_other_table_is_stored(write, run):
    files = [
        write("reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,01/01/2010,05/05/2020,pn1\n"),
        write(
            "prev.csv", "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\nC1,01/01/2010,P2,E09,zz/zz/2015\n"
        ),
        write(
            "missing.csv",
            "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/01/2010,M,01/06/2020,03/06/2020\n",
        ),
        write(
            "sw.csv", "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC1,01/01/2010,SW9,01/01/2020,,\n"
        ),
        write(
            "placed.csv",
            "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
            "C1,01/01/2010,01/07/2020,,\n",
        ),
        write(
            "ad1.csv",
            "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
            "C1,01/01/2010,01/03/2020,01/05/2020,0,2,MF,L0\n",
        ),
        write(
            "oc2.csv",
            "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,"
            "TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,"
            "INTERVENTION_OFFERED\nC1,01/01/2010,12,,0,1,1,1,1,0,,\n",
        ),
        write("oc3.csv", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nC1,01/01/2010,YES,F2,B1\n"),
    ]
    result = run(*files)
    assert result.status == "applied", result.errors
    assert [f.table for f in result.files] == [
        "Reviews",
        "PrevPerm",
        "Missing",
        "SWEpisodes",
        "PlacedAdoption",
        "AD1",
        "OC2",
        "OC3",
    ]
    assert Review.objects.get().review_code == "PN1"
    assert PreviousPermanenceRecord.objects.get().date_of_permanence == "zz/zz/2015"
    assert MissingEpisode.objects.get().end_date == dt.date(2020, 6, 3)
    assert SocialWorkerEpisode.objects.get().worker_id == "SW9"
    assert PlacedForAdoption.objects.get().date_placed == dt.date(2020, 7, 1)
    assert AdoptionDecision.objects.get().sex_of_adopters == "MF"
    outcome = ChildOutcome.objects.get()
    assert (outcome.sdq_score, outcome.convicted, outcome.health_check) == (12, False, True)
    assert CareLeaverOutcome.objects.get().activity == "F2"
    assert run(*files).changes == {}
