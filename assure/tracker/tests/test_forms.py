"""The tracker's filter form."""

from types import SimpleNamespace

from django import forms

from assure.tracker.forms import SELECT_TEMPLATE, TrackerFilter


def test_the_filters_selects_write_djangos_own_markup():
    options = {
        "teams": [SimpleNamespace(pk=1, name="North"), SimpleNamespace(pk=2, name="South & East")],
        "workers": [SimpleNamespace(pk=7, name="Alex <Worker>")],
    }
    form = TrackerFilter({"team": "2", "plan": "sgo", "rag": "red"}, options=options)
    form.is_valid()
    selects = [name for name, field in form.fields.items() if type(field.widget) is forms.Select]
    assert {"team", "worker", "plan", "rag", "flag"} <= set(selects)
    for name in selects:
        assert form.fields[name].widget.template_name == SELECT_TEMPLATE
        ours = str(form[name])
        form.fields[name].widget.template_name = forms.Select.template_name
        assert str(form[name]) == ours, name
    form.fields["team"].widget.template_name = SELECT_TEMPLATE
    assert '<option value="2" selected>South &amp; East</option>' in str(form["team"])
    assert '<option value="7">Alex &lt;Worker&gt;</option>' in str(form["worker"])
