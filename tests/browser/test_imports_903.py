"""The 903 in a real browser: a regional file of two councils asks which council, the choice
is made by keyboard alone and the file is checked again for that council; the import is
applied; the child's page shows the checks the import found; the rules page lists every
check and how often it fired. axe-core on every page."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .helpers import PASSWORD, assert_accessible, expect_gov_uk_focus, focused, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REGIONAL = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    "PL_POST,URN,LA,YEAR\n"
    "BH1,2020-01-01,S,D1,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1,Hillingdon,2020\n"
    "BH2,2020-02-01,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1,Hillingdon,2020\n"
    "BS1,2020-01-01,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1,Southwark,2020\n"
)


@pytest.fixture
def people(transactional_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    from assure.people.services import user_create

    settings.MEDIA_ROOT = tmp_path / "media"
    user_create(username="pat", roles=["performance_officer"], password=PASSWORD)
    user_create(username="lee", roles=["assurance_lead"], password=PASSWORD)


def test_choose_the_council_apply_and_see_the_checks(page: Page, people, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assure.children.models import Child

    regional = tmp_path / "regional 2019-20.csv"
    regional.write_text(REGIONAL, encoding="utf-8")
    sign_in(page, username="pat", check=False)
    page.goto("/imports/")
    page.get_by_label("Files", exact=True).set_input_files(str(regional))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_test_id("upload-status")).to_have_text("Checked")
    choose = page.get_by_test_id("choose-council")
    expect(choose).to_contain_text("These files hold several councils' children")
    form = page.get_by_test_id("council-form")
    expect(form).to_contain_text("Hillingdon (312)")
    expect(form).to_contain_text("Southwark (210)")
    assert_accessible(page)

    # By keyboard: the error summary's link takes focus to the choice; arrows pick a
    # council; Tab reaches the button; Enter sends the form.
    page.get_by_role("link", name="Choose the council whose children to import").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Hillingdon (312)").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Hillingdon (312)")).to_be_checked()
    page.keyboard.press("Tab")
    expect_gov_uk_focus(focused(page))
    expect(focused(page)).to_have_text("Check again for this council")
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("upload-status")).to_have_text("Checked")
    expect(page.get_by_test_id("council")).to_contain_text(
        "Hillingdon (312): chosen for this import"
    )
    left_out = page.get_by_test_id("left-out")
    expect(left_out).to_contain_text("Southwark (210)")
    expect(left_out.locator("tbody tr td").nth(1)).to_have_text("1")
    expect(page.get_by_test_id("collection-years")).to_contain_text("2019/20")
    assert_accessible(page)

    page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_test_id("upload-status")).to_have_text("Applied")
    assert sorted(Child.objects.values_list("child_id", flat=True)) == ["BH1", "BH2"]

    # The lead sees the child's checks, and follows one to the rules page.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, username="lee", check=False)
    page.goto("/children/BH1/")
    checks = page.get_by_test_id("child-checks")
    expect(checks).to_contain_text("freeing-order-after-2005")
    expect(checks).to_contain_text("DfE 445")
    expect(checks).to_contain_text("regional 2019-20.csv")
    assert_accessible(page)

    checks.get_by_role("link", name="freeing-order-after-2005").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How a 903 return is checked")
    row = page.get_by_test_id("rule-freeing-order-after-2005")
    expect(row).to_contain_text("445")
    expect(row.get_by_test_id("fired")).to_have_text("1")
    expect(page.get_by_test_id("rule-parents-under-s20").get_by_test_id("fired")).to_have_text("0")
    expect(page.get_by_test_id("last-import")).to_contain_text("Counts are from the last 903")
    assert_accessible(page)
