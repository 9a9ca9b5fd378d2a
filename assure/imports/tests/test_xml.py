"""The XML layout: the same data as CSV gives identical records; hostile or broken XML is
an error, never a crash."""

from __future__ import annotations

import csv
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from assure.children.models import Child, Episode
from assure.core.models import DomainEvent

pytestmark = pytest.mark.django_db

REGIONAL = "cs-demand-model-regional"
XML_NAMES = {"CHILD": "CHILDID", "PLACE": "PL"}


def csv_to_xml(header: Path, episodes: Path, out: Path) -> None:
    """The XML layout from the CSVs: CHILD elements holding HEADER and EPISODE elements,
    written in the order of the files (YEAR kept, as regional exports do)."""
    children: dict[str, list[str]] = {}
    for path, tag in ((header, "HEADER"), (episodes, "EPISODE")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                fields = "".join(
                    f"<{XML_NAMES.get(k, k)}>{escape(v)}</{XML_NAMES.get(k, k)}>"
                    for k, v in row.items()
                    if k != "CHILD"
                )
                children.setdefault(row["CHILD"], []).append(f"<{tag}>{fields}</{tag}>")
    body = "".join(
        f"<CHILD><CHILDID>{escape(child)}</CHILDID>{''.join(parts)}</CHILD>"
        for child, parts in children.items()
    )
    out.write_text(f'<?xml version="1.0" encoding="utf-8"?><EXPSSDA903>{body}</EXPSSDA903>')


def snapshot() -> tuple[list, list]:
    children = list(
        Child.objects.order_by("child_id").values(
            "child_id", "sex", "date_of_birth", "ethnicity", "upn", "is_mother", "mother_child_dob"
        )
    )
    episodes = list(
        Episode.objects.order_by("child__child_id", "start_date").values(
            "child__child_id",
            "start_date",
            "reason_new_episode",
            "legal_status",
            "category_of_need",
            "placement_type",
            "placement_provider",
            "end_date",
            "reason_ceased",
            "reason_place_change",
            "home_postcode",
            "placement_postcode",
            "urn",
        )
    )
    return children, episodes


def test_csv_and_xml_give_identical_records(shared_data, tmp_path, run):
    header = shared_data / REGIONAL / "header.csv"
    episodes = shared_data / REGIONAL / "episodes.csv"
    xml = tmp_path / "return.xml"
    csv_to_xml(header, episodes, xml)

    from_csv = run(header, episodes, options={"la": "210"})
    assert from_csv.status == "applied"
    expected = snapshot()
    assert len(expected[1]) == from_csv.episodes_loaded > 0
    DomainEvent.objects.all().delete()
    Child.objects.all().delete()

    from_xml = run(xml, options={"la": "210"})
    assert from_xml.status == "applied", from_xml.errors
    assert from_xml.files[0].table == "XML"
    assert from_xml.rows_read == from_csv.rows_read
    assert from_xml.children == from_csv.children
    assert from_xml.episodes_loaded == from_csv.episodes_loaded
    assert snapshot() == expected


def test_dfe_style_xml_with_wrappers_and_namespaces(write, run):
    path = write(
        "r.xml",
        """<?xml version="1.0"?>
<EXPSSDA903 xmlns="urn:example">
  <CHILD>
    <CHILDID>X1</CHILDID>
    <HEADER><SEX>F</SEX><DOB>2012-03-04</DOB><ETHNIC>WBRI</ETHNIC></HEADER>
    <EPISODES>
      <EPISODE><DECOM>2020-01-02</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>
        <PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>2021-05-06</DEC><REC>E45</REC>
        <COLOUR>blue</COLOUR></EPISODE>
    </EPISODES>
  </CHILD>
</EXPSSDA903>""",
    )
    result = run(path)
    assert result.status == "applied"
    child = Child.objects.get(child_id="X1")
    assert (child.sex, str(child.date_of_birth)) == ("F", "2012-03-04")
    episode = child.episodes.get()
    assert (episode.placement_type, episode.reason_ceased, str(episode.end_date)) == (
        "U1",
        "E45",
        "2021-05-06",
    )
    assert ("extra-column", "EPISODE/COLOUR") in {(p.code, p.column) for p in result.warnings}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("<EXPSSDA903><CHILD><CHILDID>1</CHILDID><HEADER><SEX>1</SEX>", "xml-malformed"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<EXPSSDA903><CHILD><CHILDID>&x;</CHILDID><HEADER><SEX>1</SEX></HEADER></CHILD>"
            "</EXPSSDA903>",
            "xml-forbidden",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
            '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
            "<EXPSSDA903><CHILD><CHILDID>&d;</CHILDID><HEADER><SEX>1</SEX></HEADER></CHILD>"
            "</EXPSSDA903>",
            "xml-forbidden",
        ),
        ("<EXPSSDA903></EXPSSDA903>", "file-no-rows"),
    ],
    ids=["truncated", "external-entity", "entity-bomb", "no-children"],
)
def test_bad_xml_is_an_error_and_stores_nothing(write, run, content, code):
    result = run(write("r.xml", content))
    assert result.status == "rejected"
    assert [p.code for p in result.errors] == [code]
    assert result.errors[0].row is None
    assert Child.objects.count() == 0
