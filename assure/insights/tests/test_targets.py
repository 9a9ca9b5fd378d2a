"""Targets: the council's target for a measure with a better direction, on its chart in the
chart's unit, and Making Data Count's assurance from it; set and removed by the assurance
lead only, each change a domain event."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assure.core.models import DomainEvent
from assure.insights import charts, dashboard, measures, services, spc
from assure.insights.exits import EpisodeRow, analyse
from assure.insights.models import MeasureTarget
from assure.insights.selectors import targets_by_measure
from tests.factories import UserFactory

from .helpers import D


def reentry_rows(*, months: int = 12, per_month: int = 20, back: int = 1) -> list[EpisodeRow]:
    """`per_month` exit decisions (SGOs) on the 5th of each month of 2024, `back` of each
    month's children coming back into care three months later."""
    rows, pk = [], 0
    for month in range(1, months + 1):
        for n in range(per_month):
            child = month * 100 + n
            pk += 1
            rows.append(EpisodeRow(pk, child, D(2022, 1, 1), D(2024, month, 5), "S", "E45", ""))
            if n < back:
                pk += 1
                return_month = month + 3
                start = D(2024 + (return_month - 1) // 12, (return_month - 1) % 12 + 1, 10)
                rows.append(EpisodeRow(pk, child, start, None, "S", "", ""))
    return rows


def reentry_analysis():
    return analyse(
        reentry_rows(), date_from=D(2024, 1, 1), date_to=D(2024, 12, 31), today=D(2026, 1, 1)
    )


def test_a_percentage_target_is_a_proportion_on_the_rate_chart():
    analysis = reentry_analysis()
    met = measures.chart_measure("reentry_rate", analysis, programme_start=None, target=50)
    assert met.chart.kind == spc.P_PRIME
    assert met.chart.target == pytest.approx(0.5)
    last = met.chart.points[-1]
    assert last.value == pytest.approx(0.05) and last.upper < 0.5
    assert met.chart.assurance == spc.PASS  # lower is better, and every limit is below 50%
    near = measures.chart_measure("reentry_rate", analysis, programme_start=None, target=5)
    assert near.chart.assurance == spc.HIT_AND_MISS  # 5% lies between the limits
    untargeted = measures.chart_measure("reentry_rate", analysis, programme_start=None)
    assert untargeted.chart.target is None and untargeted.chart.assurance is None


def test_a_target_on_a_measure_with_no_better_direction_is_ignored():
    charted = measures.chart_measure(
        "exits_sgo", reentry_analysis(), programme_start=None, target=3
    )
    assert charted.spec.improvement is None
    assert charted.chart.target is None and charted.chart.assurance is None


def test_a_monthly_target_in_the_charts_unit():
    analysis = reentry_analysis()
    xmr = measures.chart_measure("exits_sgo", analysis, programme_start=None)
    assert measures.target_on_chart(xmr, 3, interval="month") == 3
    assert measures.target_on_chart(xmr, 3, interval="quarter") == 9
    rare = [r for r in reentry_rows(per_month=1, back=0)]  # 1 a month: days between
    t = measures.chart_measure(
        "exits_sgo",
        analyse(rare, date_from=D(2024, 1, 1), date_to=D(2024, 12, 31), today=D(2026, 1, 1)),
        programme_start=None,
    )
    assert t.chart.kind == spc.T
    # At most 2 a month is at least 365.25 / 12 / 2 days between one and the next.
    assert measures.target_on_chart(t, 2, interval="month") == pytest.approx(15.21875)
    assert measures.target_on_chart(t, 0, interval="month") is None


def test_the_page_says_whether_the_target_will_be_met_and_draws_it():
    analysis = reentry_analysis()
    page = dashboard.build(analysis, programme_start=None, targets={"reentry_rate": 50})
    rate = page.get("reentry-rate")
    assert rate.assurance_text == "The target is consistently met"
    assert 'class="app-mdc-icon"' in rate.assurance_icon and ">P<" in rate.assurance_icon
    assert "Target 50%" in rate.chart  # the line, labelled where it ends
    plain = dashboard.build(analysis, programme_start=None).get("reentry-rate")
    assert plain.assurance_text == "No target is set for this measure"
    assert plain.assurance_icon == "" and "Target" not in plain.chart


def test_the_assurance_icon_reads_without_colour():
    for value, letter in ((spc.PASS, "P"), (spc.FAIL, "F"), (spc.HIT_AND_MISS, "?")):
        assert f">{letter}<" in charts.assurance_icon(value)


@pytest.mark.django_db
def test_the_lead_sets_replaces_and_removes_a_target():
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    target = services.target_set(
        actor=lead, measure="reentry_rate", value=Decimal("6"), reason="Corporate plan"
    )
    services.target_set(
        actor=lead, measure="reentry_rate", value=Decimal("5.5"), reason="Board, May 2026"
    )
    assert targets_by_measure() == {"reentry_rate": 5.5}
    assert MeasureTarget.objects.get().reason == "Board, May 2026"
    changes = DomainEvent.objects.filter(verb="insights_target.set").order_by("id")
    assert [(e.data["before"], e.data["after"]) for e in changes] == [(None, "6"), ("6", "5.5")]
    services.target_remove(actor=lead, target=MeasureTarget.objects.get(pk=target.pk))
    assert targets_by_measure() == {}
    assert DomainEvent.objects.filter(verb="insights_target.removed").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("measure", "value", "reason", "field"),
    [
        ("exits_sgo", Decimal("3"), "Plan", "measure"),  # no better direction
        ("nothing", Decimal("3"), "Plan", "measure"),
        ("reentry_rate", Decimal("101"), "Plan", "value"),  # a percentage
        ("sgo_breakdowns", Decimal("-1"), "Plan", "value"),
        ("sgo_breakdowns", Decimal("1"), "  ", "reason"),
    ],
)
def test_a_target_that_means_nothing_is_refused(measure, value, reason, field):
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    with pytest.raises(ValidationError) as refused:
        services.target_set(actor=lead, measure=measure, value=value, reason=reason)
    assert field in refused.value.message_dict
    assert not MeasureTarget.objects.exists()


@pytest.mark.django_db
def test_only_those_who_manage_insights_settings_set_targets(client):
    director = UserFactory(username="dir", roles=["director"])
    with pytest.raises(PermissionDenied):
        services.target_set(
            actor=director, measure="reentry_rate", value=Decimal("5"), reason="Plan"
        )
    client.force_login(director)
    answer = client.post(
        reverse("insights:settings"),
        {"form": "target", "target-measure": "reentry_rate", "target-value": "5",
         "target-reason": "Plan"},
    )  # fmt: skip
    assert answer.status_code == 403 and not MeasureTarget.objects.exists()


@pytest.mark.django_db
def test_the_settings_page_sets_and_lists_a_target(client):
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    client.force_login(lead)
    page = client.get(reverse("insights:settings"))
    assert b"Re-entry within 12 months of an exit decision (percentage)" in page.content
    form = page.content.split(b'data-testid="target-form"')[1].split(b'data-testid="rebase-form"')[
        0
    ]
    assert b'value="reentry_rate"' in form and b'value="exits_sgo"' not in form
    refused = client.post(
        reverse("insights:settings"),
        {"form": "target", "target-measure": "reentry_rate", "target-value": "lots",
         "target-reason": "Plan"},
    )  # fmt: skip
    assert refused.status_code == 200
    assert b"Enter the target as a number" in refused.content
    saved = client.post(
        reverse("insights:settings"),
        {"form": "target", "target-measure": "reentry_rate", "target-value": "4.5",
         "target-reason": "Corporate parenting board, 2026 to 2027"},
    )  # fmt: skip
    assert saved.status_code == 302
    listed = client.get(reverse("insights:settings")).content.decode()
    assert "4.5%" in listed and "Corporate parenting board, 2026 to 2027" in listed
    target = MeasureTarget.objects.get()
    assert client.post(reverse("insights:target_remove", args=[target.pk])).status_code == 302
    assert not MeasureTarget.objects.exists()
    assert client.post(reverse("insights:target_remove", args=[target.pk])).status_code == 404
