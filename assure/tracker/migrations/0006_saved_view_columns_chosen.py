"""Views saved before the compact tracker showed every column, which no longer fit a
window. Each is given the compact default choice, plus the column it sorts by when that is
not in the default (a view sorted by team or by the date care began still shows what it is
sorted by). The keys are written out here, as they were when this migration was written."""

from urllib.parse import parse_qs

from django.db import migrations

DEFAULT_CHOICE = ["legal_status", "proceedings", "reviews"]
OPTIONAL_ORDER = [
    "team",
    "period_start",
    "legal_status",
    "proceedings",
    "reviews",
    "ceased",
    "panels",
]
# Sort keys of optional columns that the default does not show.
SORTED_BY = {"team": "team", "period_start": "period_start", "ceased_date": "ceased"}


def choose(apps, schema_editor):
    SavedView = apps.get_model("tracker", "SavedView")
    for view in SavedView.objects.all():
        chosen = set(DEFAULT_CHOICE)
        sort = (parse_qs(view.query).get("sort") or [""])[0]
        if sort in SORTED_BY:
            chosen.add(SORTED_BY[sort])
        view.columns = [key for key in OPTIONAL_ORDER if key in chosen]
        view.save(update_fields=["columns"])


def unchoose(apps, schema_editor):
    # Going back, the column is dropped with its contents: nothing to undo.
    pass


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_savedview_columns")]

    operations = [migrations.RunPython(choose, unchoose)]
