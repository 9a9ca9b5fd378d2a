"""GOV.UK form rendering: an error summary at the top that links to each field in error."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_field_errors_are_summarised_with_links_to_the_fields(client):
    response = client.post(reverse("people:login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_username">' in html
    assert '<a href="#id_password">' in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert 'aria-describedby="id_username-error"' in html


@pytest.mark.django_db
def test_no_summary_without_errors(client):
    html = client.get(reverse("people:login")).content.decode()
    assert "govuk-error-summary" not in html
