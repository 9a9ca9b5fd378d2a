"""The 903's pages through the test client: the rules page (every check, its source, how
often it fired in the last import), the checks on a child's page, choosing the council for
an upload of several councils' children, and the one upload limit."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assure.children.models import Child
from assure.core.formats import moment_words
from assure.imports.models import ChildCheck, ImportRun, ImportUpload
from assure.imports.ssda903.catalogue import ALL_RULES
from assure.people.services import user_create

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS

pytestmark = pytest.mark.django_db

REGIONAL_EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    "PL_POST,URN,LA,YEAR\n"
    "H1,2020-01-01,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1,Hillingdon,2020\n"
    "H2,2020-02-01,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1,Hillingdon,2020\n"
    "S1,2020-01-01,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1,Southwark,2020\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def officer(client):
    user = user_create(username="pat", roles=["performance_officer"], first_name="Pat")
    client.force_login(user)
    return user


def _upload(client, name, text):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(reverse("imports:home"), {"kind": "auto", "files": [file]})


def test_the_rules_page_lists_every_check_with_its_source_for_anyone_signed_in(client):
    assert client.get(reverse("imports:rules_903")).status_code == 302  # sign in first
    client.force_login(user_create(username="prac", roles=["practitioner"]))
    response = client.get(reverse("imports:rules_903"))
    assert response.status_code == 200
    html = response.content.decode()
    for rule_id, rule in ALL_RULES.items():
        assert f'data-testid="rule-{rule_id}"' in html, rule_id
        assert rule.source.split(",")[0] in html
    for dfe in ("435", "437", "445", "378", "390", "336", "551", "553", "555", "557", "1003",
                "334", "361", "362", "363", "440", "441", "634", "357"):  # fmt: skip
        assert any(dfe in rule.dfe.split(", ") for rule in ALL_RULES.values()), dfe
    assert "No 903 import has been applied yet" in html
    # A check with no DfE rule says it is Assure's own, not "None".
    own = unescape(re.search(r'data-testid="rule-file-truncated".*?</tr>', html, re.S).group(0))
    assert ALL_RULES["file-truncated"].dfe == ""
    assert "Assure's own check" in own and "None" not in own
    dfe = re.search(r'data-testid="rule-freeing-order-after-2005".*?</tr>', html, re.S).group(0)
    assert "445" in dfe and "own check" not in dfe
    # Nobody may import here: no link to the run history.
    assert reverse("imports:runs") not in html


def test_the_rules_page_counts_the_last_import(client, officer, write, run):
    header = write("h.csv", f"{HEADER_COLUMNS}\nC1,1,01/01/2005,WBRI,,,\n")
    episodes = write(
        "e.csv",
        f"{EPISODE_COLUMNS}\n"
        "C1,01/01/2020,P,V2,N1,P1,PR0,,,,AB1 2CD,AB3 4EF,SC1\n"
        "C2,01/01/2020,S,D1,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1\n",
    )
    run(header, episodes)
    later = run(write("e2.csv", f"{EPISODE_COLUMNS}\nC3,01/01/2020,S,V2,N1,P1,PR0,,,,,,\n"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("imports:rules_903"))
    # Session, user, roles, second factor, the last run: the same whatever the rule count.
    assert len(queries) <= 8
    html = response.content.decode()
    fired = dict(
        re.findall(r'data-testid="rule-([a-z0-9-]+)".*?data-testid="fired">([^<]*)<', html, re.S)
    )
    # The latest import's counts: C3 only.
    assert later.count_by_code()["parents-under-s20"] == 1
    assert fired["parents-under-s20"] == "1"
    assert fired["freeing-order-after-2005"] == "0"
    assert fired["file-truncated"] == "0"
    assert reverse("imports:run", args=[ImportRun.objects.first().pk]) in html
    assert f"applied on {moment_words(ImportRun.objects.first().started_at)} by" in html


def test_a_childs_page_shows_the_checks_the_latest_import_found(client, write, run):
    header = write("h.csv", f"{HEADER_COLUMNS}\nC1,1,01/01/2005,WBRI,,x,\n")
    episodes = write(
        "e.csv", f"{EPISODE_COLUMNS}\nC1,01/01/2020,S,D1,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1\n"
    )
    first = run(header, episodes)
    assert first.status == "applied"
    child = Child.objects.get(child_id="C1")
    codes = set(ChildCheck.objects.filter(child=child).values_list("code", flat=True))
    assert {"invalid-value", "freeing-order-after-2005", "freeing-order-no-decision"} <= codes
    lead = user_create(username="lead", roles=["assurance_lead"])
    client.force_login(lead)
    html = client.get(reverse("children:detail", args=["C1"])).content.decode()
    assert 'data-testid="child-checks"' in html
    assert "freeing-order-after-2005" in html and "DfE 445" in html
    assert "the row is stored with MOTHER blank" in html
    assert f"{reverse('imports:rules_903')}#rule-freeing-order-after-2005" in html

    # A later import of the child replaces them: here the episode is put right.
    fixed = write(
        "e2.csv", f"{EPISODE_COLUMNS}\nC1,01/01/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1\n"
    )
    run(fixed)
    assert not ChildCheck.objects.filter(child=child, code="freeing-order-after-2005").exists()
    html = client.get(reverse("children:detail", args=["C1"])).content.decode()
    assert "freeing-order-after-2005" not in html


def test_a_dry_run_stores_no_checks(write, run):
    run(write("h.csv", f"{HEADER_COLUMNS}\nC1,1,01/01/2005,WBRI,,x,\n"), dry_run=True)
    assert ChildCheck.objects.count() == 0


def test_an_upload_of_several_councils_asks_which_and_checks_again(client, officer):
    response = _upload(client, "regional.csv", REGIONAL_EPISODES)
    upload = ImportUpload.objects.get()
    page = client.get(response.url).content.decode()
    assert upload.check_result["status"] == "rejected"
    assert 'data-testid="council-form"' in page
    assert "Hillingdon (312)" in page and "Southwark (210)" in page
    assert "2 children, 2 rows" in page

    # A council the files do not hold is refused, with a message; nothing changes.
    client.post(reverse("imports:council", args=[upload.pk]), {"la": "305"})
    upload.refresh_from_db()
    assert upload.options == {}
    assert "Choose one of the councils" in client.get(response.url).content.decode()

    client.post(reverse("imports:council", args=[upload.pk]), {"la": "312"})
    upload.refresh_from_db()
    assert upload.options == {"la": "312"}
    assert upload.check_result["status"] == "dry_run"
    assert upload.check_result["council"]["code"] == "312"
    page = client.get(response.url).content.decode()
    assert 'data-testid="left-out"' in page and "Southwark (210)" in page

    client.post(response.url, {})
    assert sorted(Child.objects.values_list("child_id", flat=True)) == ["H1", "H2"]
    assert ImportRun.objects.get().options["la"] == "312"


def test_only_importers_may_choose_the_council(client, officer):
    response = _upload(client, "regional.csv", REGIONAL_EPISODES)
    upload = ImportUpload.objects.get()
    client.force_login(user_create(username="prac", roles=["practitioner"]))
    assert (
        client.post(reverse("imports:council", args=[upload.pk]), {"la": "312"}).status_code == 403
    )
    assert client.get(reverse("imports:council", args=[upload.pk])).status_code == 405
    upload.refresh_from_db()
    assert upload.options == {} and response.status_code == 302


def test_one_upload_limit_for_all_its_files(client, officer, settings):
    settings.IMPORT_MAX_FILE_BYTES = 200
    body = f"{EPISODE_COLUMNS}\nC1,01/02/2020,S,C2,N1,U4,PR1,,,,,,\n"
    files = [
        SimpleUploadedFile(name, body.encode(), content_type="text/csv")
        for name in ("a.csv", "b.csv")
    ]
    response = client.post(reverse("imports:home"), {"kind": "auto", "files": files})
    assert response.status_code == 200
    assert "bytes together; an upload can be 200 bytes in all" in response.content.decode()
    assert not ImportUpload.objects.exists()
    assert "Up to 0 MB in all" in client.get(reverse("imports:home")).content.decode()


def test_an_uploads_collection_year_is_read_from_the_name_its_person_gave_it(
    client, officer, monkeypatch
):
    """An upload is stored under a random name; the year comes from the name the person
    gave the file, never from digits of the random one (which once read "2010")."""
    from assure.imports import uploads

    monkeypatch.setattr(uploads.secrets, "token_hex", lambda n: "a2010b" + "c" * (2 * n - 6))
    episodes = f"{EPISODE_COLUMNS}\nC1,01/02/2020,S,C2,N1,U4,PR1,,,,,,\n"
    _upload(client, "episodes 2019-20.csv", episodes)
    upload = ImportUpload.objects.get()
    assert upload.files[0]["stored"].startswith("a2010b")
    (year,) = upload.check_result["collection_years"]
    assert year["file"] == "episodes 2019-20.csv"
    assert (year["year"], year["from"]) == ("2019/20", "file name")
    page = client.get(reverse("imports:upload", args=[upload.pk])).content.decode()
    assert "episodes 2019-20.csv: 2019/20 (from its name)" in page
