"""assure sso-unlock COUNCIL_ACCOUNT | --list

Single sign-on lockouts are counted per council account (the claim matched to Assure user
names, such as jane.doe@council.gov.uk), not per address, and are separate from password
lockouts (`axes_reset_username`)."""

from django.core.management.base import BaseCommand, CommandError

from assure.core import clock
from assure.people.models import SingleSignOnLockout
from assure.people.oidc import identity_key
from assure.people.services import sso_lockout_clear


class Command(BaseCommand):
    help = (
        "Unlock single sign-on for one council account (as the provider names it, such as "
        "jane.doe@council.gov.uk; capitals do not matter), or --list the accounts with "
        "failed single sign-ons."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("account", nargs="?", help="The council account to unlock.")
        parser.add_argument("--list", action="store_true", help="List, unlock nothing.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["list"]:
            self._list()
            return
        if not options["account"]:
            raise CommandError("Name the council account to unlock, or use --list.")
        identity = identity_key(options["account"])
        lockout = SingleSignOnLockout.objects.filter(identity=identity).first()
        if lockout is None:
            raise CommandError(f"No failed single sign-ons are recorded for {identity}.")
        sso_lockout_clear(lockout=lockout, actor=None)
        self.stdout.write(f"Single sign-on unlocked for {identity}.")

    def _list(self) -> None:
        now = clock.now()
        lockouts = list(SingleSignOnLockout.objects.order_by("-last_failure_at"))
        if not lockouts:
            self.stdout.write("No failed single sign-ons are recorded.")
        for lockout in lockouts:
            state = (
                f"locked until {lockout.locked_until:%Y-%m-%d %H:%M}"
                if lockout.locked_until and lockout.locked_until > now
                else "not locked"
            )
            self.stdout.write(
                f"{lockout.identity}\t{lockout.failures} failures, last "
                f"{lockout.last_failure_at:%Y-%m-%d %H:%M}, {state}"
            )
