"""`assure create-user` and `assure api-token`, through call_command and once through the real
console script."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assure.core.models import DomainEvent
from assure.people.models import ApiToken, Team, User
from tests.factories import TeamFactory, UserFactory

STRONG = "correct-horse-battery-staple-7"
ASSURE = Path(sys.executable).with_name("assure")


def create_user(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is None:
        call_command("create_user", *args, stdout=out)
    else:
        real_stdin = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            call_command("create_user", *args, stdout=out)
        finally:
            sys.stdin = real_stdin
    return out.getvalue()


@pytest.mark.django_db
class TestCreateUser:
    def test_several_roles_and_new_and_existing_teams(self):
        TeamFactory(name="North")
        output = create_user(
            "sam",
            "--role",
            "practitioner",
            "--role",
            "auditor",
            "--team",
            "North",
            "--team",
            "Brand new team",
        )
        sam = User.objects.get(username="sam")
        assert "Created sam" in output
        assert sam.role_slugs == {"practitioner", "auditor"}
        assert sorted(sam.teams.values_list("name", flat=True)) == ["Brand new team", "North"]
        assert Team.objects.filter(name="North").count() == 1
        assert DomainEvent.objects.filter(verb="user_created", object_id=str(sam.pk)).exists()

    def test_without_password_stdin_the_password_is_unusable(self):
        create_user("sso-only", "--role", "director")
        assert not User.objects.get(username="sso-only").has_usable_password()

    def test_with_password_stdin_the_user_can_sign_in(self, client):
        create_user("pat", "--role", "practitioner", "--password-stdin", stdin=STRONG + "\n")
        response = client.post("/sign-in/", {"username": "pat", "password": STRONG})
        assert response.status_code == 302
        assert client.get("/").wsgi_request.user.username == "pat"

    def test_unknown_role_is_refused_clearly_and_nothing_is_created(self):
        with pytest.raises(CommandError, match="Unknown role wizard"):
            create_user("merlin", "--role", "wizard")
        assert not User.objects.filter(username="merlin").exists()

    def test_at_least_one_role_is_required(self):
        with pytest.raises(CommandError, match="--role"):
            create_user("nobody")

    def test_duplicate_user_is_refused_whatever_the_case(self):
        UserFactory(username="alex")
        with pytest.raises(CommandError, match="already exists"):
            create_user("ALEX", "--role", "auditor")
        assert User.objects.filter(username__iexact="alex").count() == 1

    def test_weak_or_empty_password_is_refused(self):
        with pytest.raises(CommandError, match="not strong enough"):
            create_user("weak", "--role", "auditor", "--password-stdin", stdin="password\n")
        with pytest.raises(CommandError, match="No password"):
            create_user("empty", "--role", "auditor", "--password-stdin", stdin="\n")
        assert not User.objects.filter(username__in=["weak", "empty"]).exists()


@pytest.mark.django_db
class TestApiToken:
    def test_prints_only_the_token_which_is_stored_hashed(self):
        user = UserFactory(username="bi", roles=["performance_officer"])
        out = io.StringIO()
        call_command("api_token", "bi", stdout=out)
        raw = out.getvalue().strip()
        assert out.getvalue() == raw + "\n"
        assert raw.startswith("asr_") and len(raw) > 40
        token = ApiToken.objects.get(user=user)
        assert token.digest == ApiToken.digest_of(raw)
        assert raw not in {token.digest, token.prefix, token.name}
        assert len(token.digest) == 64

    def test_unknown_or_inactive_user_is_refused(self):
        UserFactory(username="gone", is_active=False, roles=["auditor"])
        for username in ("nobody", "gone"):
            with pytest.raises(CommandError, match="No active user"):
                call_command("api_token", username, stdout=io.StringIO())
        assert not ApiToken.objects.exists()


def test_console_script_end_to_end(tmp_path):
    """The real `assure` script on a fresh SQLite database: create a user from standard input,
    refuse an unknown role with a non-zero exit, issue a token that is the whole of stdout."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [str(ASSURE), *args],
            input=stdin,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert run("migrate", "-v0").returncode == 0
    made = run(
        "create-user",
        "kim",
        "--role",
        "admin",
        "--role",
        "auditor",
        "--team",
        "West",
        "--password-stdin",
        stdin=STRONG + "\n",
    )
    assert made.returncode == 0, made.stderr
    refused = run("create-user", "lee", "--role", "wizard")
    assert refused.returncode != 0
    assert "Unknown role wizard" in refused.stderr
    token = run("api-token", "kim")
    assert token.returncode == 0, token.stderr
    assert token.stdout.startswith("asr_") and token.stdout.count("\n") == 1
