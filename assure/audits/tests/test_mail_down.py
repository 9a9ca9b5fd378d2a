"""Mail that never breaks an action: with the mail server down, raising an escalation answers
as it should, the escalation is raised, and its email waits in the queue, is retried, and is
sent once the server is back; an email given up on is shown to the assurance lead and the
administrator, who can queue it again."""

import datetime as dt
import socket

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.urls import reverse

from assure.audits.models import Escalation
from assure.core import clock
from assure.core.mail import ATTEMPTS, deliver
from assure.core.models import Email
from tests.factories import UserFactory
from tests.html import normalised

SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def _closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_TIMEOUT = 2
    settings.DEBUG = False
    return settings


def test_an_escalation_is_raised_with_the_mail_server_down_and_its_email_retried(
    client, people, audit, mail_server_down, django_capture_on_commit_callbacks
):
    client.force_login(people.auditor)
    raised_at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.UTC)
    with clock.frozen_at(raised_at), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("audits:escalate", args=[audit.pk]),
            {"concern": "Carer says the father visits unsupervised."},
            follow=True,
        )
    assert response.status_code == 200
    assert "an email to them is queued" in response.content.decode()
    escalation = Escalation.objects.get()
    email = Email.objects.get()
    assert (email.reason, email.child_id, email.status, email.attempts) == (
        "escalation",
        escalation.child_id,
        "queued",
        1,
    )
    assert "ConnectionRefused" in email.last_error
    assert email.next_attempt_at == raised_at + dt.timedelta(minutes=5)
    assert sorted(email.to) == ["hos@example.org", "tm@example.org"]

    # Not due yet: nothing is tried. Then the server is back, and the retry sends it.
    with clock.frozen_at(raised_at + dt.timedelta(minutes=4)):
        call_command("send_email")
    assert Email.objects.get().attempts == 1
    mail_server_down.EMAIL_BACKEND = LOCMEM
    with clock.frozen_at(raised_at + dt.timedelta(minutes=5)):
        call_command("send_email")
    email.refresh_from_db()
    assert (email.status, email.attempts, email.sent_at) == (
        "sent",
        2,
        raised_at + dt.timedelta(minutes=5),
    )
    assert len(outbox.outbox) == 1 and "may be unsafe now" in outbox.outbox[0].subject


def test_after_the_last_try_the_lead_and_admin_see_it_and_can_queue_it_again(
    client, people, audit, mail_server_down, django_capture_on_commit_callbacks
):
    from assure.audits import services

    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_raise(audit=audit, concern="Unsafe contact.", actor=people.auditor)
    email = Email.objects.get()
    deliver(email.pk)  # an earlier task overtaken: not due yet, so not tried
    email.refresh_from_db()
    assert email.attempts == 1
    for _ in range(ATTEMPTS - 1):
        with clock.frozen_at(email.next_attempt_at):
            deliver(email.pk)
        email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", ATTEMPTS)

    client.force_login(people.lead)
    assert 'data-testid="emails-failed"' in client.get("/").content.decode()
    page = client.get(reverse("core:email_deliveries")).content.decode()
    assert "Escalation: child K1 may be unsafe now" in page
    admin = UserFactory(username="root", roles=["admin"])
    client.force_login(admin)
    from assure.people.tests.helpers import sign_in_with_second_factor

    sign_in_with_second_factor(client=client, user=admin)
    admin_page = normalised(client.get(reverse("core:email_deliveries")).content.decode())
    # No child's ID for the admin (the page without its random CSRF token and nonce, which
    # could hold a two-letter ID by chance).
    assert "Escalation" in admin_page and "K1" not in admin_page
    client.force_login(people.auditor)
    assert client.get(reverse("core:email_deliveries")).status_code == 403

    mail_server_down.EMAIL_BACKEND = LOCMEM
    client.force_login(people.lead)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("core:email_deliveries"), {"email": email.pk}, follow=True)
    assert b"queued again" in again.content
    email.refresh_from_db()
    assert email.status == "sent" and len(outbox.outbox) == 1
