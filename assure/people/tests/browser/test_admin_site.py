"""The administration site in a real browser: an administrator signs in with their second
factor and every page they use to manage people passes axe (WCAG 2.2 A and AA, nothing
serious or critical) under the product's strict Content-Security-Policy, with a clean
console: the index, the people list filtered, a person's page with their roles and teams,
the sign-in log and the API tokens."""

import re

import pytest
from playwright.sync_api import Page, expect

from assure.people.models import ApiToken, SignInEvent, User
from assure.people.tests.helpers import confirmed_device, current_code
from tests.browser.helpers import PASSWORD, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def people(transactional_db):  # type: ignore[no-untyped-def]
    from assure.people.services import api_token_create, user_create

    root = user_create(username="root", roles=["admin"], password=PASSWORD)
    confirmed_device(user=root)
    pat = user_create(
        username="pat",
        roles=["practitioner", "auditor"],
        teams=["North Children in Care", "South Children in Care"],
        first_name="Pat",
        last_name="Lee",
        password=PASSWORD,
    )
    api_token_create(user=pat, name="Reporting")
    return {"root": root, "pat": pat}


def sign_in_as_administrator(page: Page, *, user: User) -> None:
    """Password, then the code the administrator's authenticator app shows."""
    page.goto("/sign-in/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/sign-in/code/"))
    device = user.totpdevice_set.get()
    page.get_by_label("Code from your authenticator app").fill(current_code(device=device))
    page.get_by_role("button", name=re.compile("Continue|Sign in", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_admin_page(page: Page, path: str, *, heading: str, form: bool = False) -> None:
    """A form page's stylesheet @imports another, which axe can only re-read against the
    CSP by breaking it (see `assert_accessible`)."""
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page, read_stylesheets=not form)


def test_the_pages_an_administrator_manages_people_on_pass_axe(pages, people):  # type: ignore[no-untyped-def]
    page = pages.open()
    sign_in_as_administrator(page, user=people["root"])
    assert SignInEvent.objects.filter(user=people["root"]).exists()
    assert ApiToken.objects.filter(user=people["pat"]).exists()

    open_admin_page(page, "/admin/", heading="People and settings")

    open_admin_page(page, "/admin/people/user/", heading="Select user to change")
    # A filter, chosen by its link as a person would: the list narrows to it.
    page.get_by_role("link", name="Yes").first.click()
    expect(page).to_have_url(re.compile(r"is_active__exact=1"))
    expect(page.get_by_role("link", name="pat", exact=True)).to_be_visible()
    assert_accessible(page)

    pat = people["pat"]
    open_admin_page(page, f"/admin/people/user/{pat.pk}/change/", heading="Change user", form=True)
    # Each role row's fields are named, and the teams are tick boxes with their names.
    expect(page.get_by_role("combobox", name="Role")).to_have_count(3)
    expect(page.get_by_role("checkbox", name="Delete the role Auditor")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Delete the role Practitioner")).to_be_visible()
    expect(page.get_by_role("checkbox", name="North Children in Care")).to_be_checked()

    open_admin_page(page, "/admin/people/signinevent/", heading="Select sign-in event to view")
    open_admin_page(page, "/admin/people/apitoken/", heading="Select API token to change")
