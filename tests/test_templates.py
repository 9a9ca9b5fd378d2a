"""Django's {# #} comment is one line only: one spread over lines is printed on the page as
text. Every template's comments open and close on the same line (longer ones use
{% comment %})."""

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
