"""Rules every template keeps. Django's {# #} comment is one line only: one spread over
lines is printed on the page as text, so every comment opens and closes on its line (longer
ones use {% comment %}). A moment is written the house way, with the `moment` filter ("7
December 2026 at 5:10am", core/formats.py), never with a format of its own."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "assure"


def test_every_one_line_comment_closes_on_its_line():
    unclosed = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(ROOT.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert list(ROOT.rglob("*.html")) and not unclosed, unclosed


# Seconds matter where a moment is matched against another system's log: the access report
# and the single sign-on outcome page that IT reads beside the provider's log.
OWN_FORMAT_ON_PURPOSE = {"core/access_report.html", "people/sso_outcome.html"}


def test_moments_are_written_with_the_house_filter():
    own_format = re.compile(r'\|date:"[^"]*[HhGgAa]')  # a time of day in the format
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(ROOT.rglob("*.html"))
        if not any(str(path).endswith(allowed) for allowed in OWN_FORMAT_ON_PURPOSE)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if own_format.search(line)
    ]
    assert not found, found
