"""The whole product as the demo council shows it, for the tests that walk every page and
every link: the demo seeded as `make demo` seeds it (smaller), every demo user signing in
with the browser tests' password, and the list of every named URL pattern with what a test
needs to open it.

`url_patterns()` reads the URL resolver, so a page added to the product appears here at
once; `PAGES`, `POST_ONLY`, `DOWNLOADS`, `WALKED_ELSEWHERE` and `NOT_PAGES` say how each is
opened, and `uncovered()` names any pattern none of them covers, which fails the every-page
test: a new page cannot skip its accessibility check."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browser.helpers import PASSWORD
from tests.shipped import restore_shipped_rows

DEMO_CHILDREN = 150


@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced, as reverse() takes it
    route: str


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            yield Pattern(name=full, route=prefix + str(entry.pattern))


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, named or not."""
    return list(_walk(get_resolver()))


# Namespaces that are not pages of the product's own: the JSON API (it has its own tests,
# driven by its OpenAPI schema) and Django's admin site, whose pages are Django's own
# (its index, the one page the navigation links to, is walked like any page).
NOT_PAGES = {
    "api": "the JSON API: tested through its schema and its own tests",
    "admin": "Django's admin site: its pages are Django's; the index is walked below",
}


@dataclass(frozen=True)
class Page:
    """How to open a page: as whom (a username, or found in the seeded demo), with which
    path arguments (from the seeded demo) and query string, and the status it answers."""

    user: str | Callable[[], str] = "lead"
    kwargs: Callable[[], dict[str, Any]] = field(default=lambda: {})
    query: Callable[[], str] = field(default=lambda: "")
    status: int = 200
    # "anonymous": nobody signed in.
    session: str = "user"

    @property
    def username(self) -> str:
        return self.user() if callable(self.user) else self.user


def visible_child(user: Any) -> Any:
    from assure.core.access import visible_children

    return visible_children(user).order_by("child_id").first()


def _child(username: str = "lead") -> dict[str, Any]:
    from assure.people.models import User

    return {"child_id": visible_child(User.objects.get(username=username)).child_id}


def _pk(model_path: str, **filters: Any) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        from django.apps import apps

        model = apps.get_model(model_path)
        return {"pk": model.objects.filter(**filters).order_by("pk").first().pk}

    return build


def _template() -> dict[str, Any]:
    from assure.audits.models import AuditTemplate

    slug = AuditTemplate.objects.order_by("pk").first().slug
    latest = AuditTemplate.objects.filter(slug=slug).order_by("-version").first()
    question = latest.sections.order_by("pk").first().questions.order_by("pk").first()
    return {"slug": slug, "key": question.key}


def _family() -> dict[str, Any]:
    from assure.families.models import PracticeReview

    return {"family_id": PracticeReview.objects.order_by("pk").first().family.family_id}


def _open_review() -> dict[str, Any]:
    from assure.families.models import PracticeReview

    review = PracticeReview.objects.filter(status="in_progress").order_by("pk").first()
    return {"family_id": review.family.family_id, "review_id": review.pk}


def _open_review_recommendation() -> dict[str, Any]:
    from assure.families.models import PracticeReview

    review = PracticeReview.objects.filter(status="in_progress").order_by("pk").first()
    return {
        "family_id": review.family.family_id,
        "review_id": review.pk,
        "recommendation_id": review.recommendations.order_by("pk").first().pk,
    }


def _review_event() -> str:
    from assure.families import review_selectors
    from assure.families.models import PracticeReview
    from assure.people.models import User

    review = PracticeReview.objects.filter(status="in_progress").order_by("pk").first()
    auditor = User.objects.get(username="auditor")
    children = list(review.children.all())
    events = review_selectors.review_events(user=auditor, review=review, children=children)
    return f"event={events[0].key}"


def _draft_proposal() -> dict[str, Any]:
    from assure.decisions.models import Proposal

    return {"pk": Proposal.objects.filter(status="draft").order_by("pk").first().pk}


def _proposal_child_and_type() -> dict[str, Any]:
    from assure.decisions.models import DecisionType

    return {**_child(), "decision_type": DecisionType.objects.order_by("pk").first().slug}


def _draft_proposer() -> str:
    from assure.decisions.models import Proposal

    return Proposal.objects.filter(status="draft").order_by("pk").first().proposer.username


def _panel() -> dict[str, Any]:
    from assure.panels.models import Panel

    return {"slug": Panel.objects.order_by("pk").first().slug}


def _upload() -> dict[str, Any]:
    from assure.imports.models import ImportUpload

    return {"upload_id": ImportUpload.objects.order_by("pk").first().pk}


def _run() -> dict[str, Any]:
    from assure.imports.models import ImportRun

    return {"run_id": ImportRun.objects.order_by("pk").first().pk}


# Every page a person opens, and who opens it in the demo. The lead sees most; the others
# are the people whose pages they are.
PAGES: dict[str, Page] = {
    "core:home": Page(),
    "core:access_report": Page(),
    "core:email_deliveries": Page(),
    "core:privacy": Page(),
    "core:accessibility": Page(),
    "people:login": Page(session="anonymous"),
    "people:two_factor": Page(user="admin"),
    "people:two_factor_setup": Page(user="admin"),
    "people:account": Page(),
    "children:list": Page(),
    "children:detail": Page(kwargs=_child),
    "children:access": Page(kwargs=_child),
    "tracker:page": Page(),
    "tracker:print": Page(),
    "tracker:rules": Page(),
    "audits:queue": Page(),
    "audits:workload": Page(),
    "audits:lead": Page(),
    "audits:escalations": Page(),
    "audits:moderation": Page(),
    "audits:programmes": Page(),
    "audits:programme": Page(kwargs=_pk("audits.Programme")),
    "audits:templates": Page(),
    "audits:template": Page(kwargs=lambda: {"slug": _template()["slug"]}),
    "audits:question_edit": Page(kwargs=_template),
    "audits:settings": Page(),
    "audits:family_new": Page(query=lambda: f"family={_family()['family_id']}"),
    "audits:family_detail": Page(kwargs=_pk("audits.FamilyAudit")),
    "audits:detail": Page(user="auditor", kwargs=_pk("audits.Audit", status="in_progress")),
    "families:list": Page(),
    "families:create": Page(),
    "families:detail": Page(kwargs=_family),
    "families:children": Page(kwargs=_family),
    "families:review_create": Page(kwargs=_family),
    "families:review": Page(kwargs=_open_review),
    "families:review_recommendation": Page(user="auditor", kwargs=_open_review_recommendation),
    "families:review_annotate": Page(user="auditor", kwargs=_open_review, query=_review_event),
    "decisions:waiting": Page(),
    "decisions:scheme": Page(),
    "decisions:detail": Page(kwargs=_pk("decisions.Proposal")),
    "decisions:edit": Page(user=_draft_proposer, kwargs=_draft_proposal),
    "decisions:choose_type": Page(kwargs=_child),
    "decisions:create": Page(kwargs=_proposal_child_and_type),
    "panels:list": Page(),
    "panels:review": Page(),
    "panels:meeting": Page(kwargs=_pk("panels.Meeting")),
    "panels:member_end": Page(kwargs=_pk("panels.PanelMember", to_date__isnull=True)),
    "panels:detail": Page(kwargs=_panel),
    "insights:exits": Page(),
    "insights:methods": Page(),
    "insights:evidence": Page(),
    "insights:matrix": Page(),
    "insights:evidence_add": Page(),
    "insights:evidence_import": Page(),
    "insights:recommendations": Page(),
    "insights:recommendation": Page(kwargs=_pk("insights.Recommendation")),
    "insights:plan": Page(),
    "insights:plan_report": Page(),
    "insights:work_stream": Page(kwargs=_pk("insights.WorkStream")),
    "insights:action": Page(kwargs=_pk("insights.PlanAction")),
    "insights:reports": Page(),
    "insights:monthly_report": Page(),
    "insights:stage_review": Page(),
    "insights:settings": Page(),
    "imports:home": Page(user="performance"),
    "imports:upload": Page(user="performance", kwargs=_upload),
    "imports:runs": Page(user="performance"),
    "imports:run": Page(user="performance", kwargs=_run),
    "imports:rules_903": Page(user="performance"),
    "inbox:notifications": Page(),
    "inbox:search": Page(query=lambda: "q=a"),
    "governance:home": Page(user="governance"),
    "governance:report": Page(user="governance"),
    "governance:rules": Page(user="governance"),
    "governance:deletions": Page(user="governance"),
    "governance:holds": Page(),
    "governance:rule_change": Page(user="governance", kwargs=lambda: {"kind": "access_log"}),
    "governance:deletion": Page(user="governance", kwargs=_pk("governance.DeletionProposal")),
    "governance:hold_lift": Page(kwargs=_pk("governance.LegalHold")),
    "governance:child_holds": Page(user="lead", kwargs=_child),
    "governance:subject_access": Page(),
    "governance:subject_access_child": Page(user="lead", kwargs=_child),
    "admin:index": Page(user="admin"),
}

# Pages that need a part of the product switched on, walked with axe where it is.
WALKED_ELSEWHERE = {
    "people:sso_outcome": "assure/people/tests/browser/test_sso_journeys.py: each outcome of "
    "a single sign-on against a real provider, with axe (the page needs single sign-on on)",
}

# Files to download rather than pages to read: each must answer 200 to someone allowed.
DOWNLOADS: dict[str, Page] = {
    "tracker:export": Page(kwargs=lambda: {"fmt": "csv"}),
    "families:chronology_csv": Page(kwargs=_family),
    "insights:exits_csv": Page(kwargs=lambda: {"slug": "time-in-care"}),
    "insights:evidence_template": Page(),
    "imports:template": Page(user="performance", kwargs=lambda: {"name": "allocations"}),
    "imports:problems": Page(user="performance", kwargs=_upload),
}

# Forms' targets that change something: a GET changes nothing (405, or back to the page).
POST_ONLY = {
    "audits:allocate",
    "inbox:digest",
    "governance:propose",
    "people:logout",
    "people:token_revoke",
    "people:token_renew",
    "tracker:save_view",
    "tracker:delete_view",
    "audits:acknowledge",
    "audits:complete_action",
    "audits:agree_action",
    "audits:family_save_section",
    "audits:family_add_finding",
    "audits:family_transition",
    "audits:save_section",
    "audits:transition",
    "audits:add_finding",
    "audits:add_action",
    "audits:participants",
    "audits:contribute",
    "audits:escalate",
    "audits:regrade",
    "insights:recommendation_add",
    "insights:recommendation_merge",
    "insights:rebase_withdraw",
    "insights:target_remove",
    "imports:council",
    "inbox:read_all",
    "inbox:read",
    "inbox:unread",
}


def uncovered() -> list[Pattern]:
    """Named patterns that no list above covers (unnamed ones cannot be linked to)."""
    covered = set(PAGES) | set(DOWNLOADS) | POST_ONLY | set(WALKED_ELSEWHERE)
    return [
        p
        for p in url_patterns()
        if p.name and p.name not in covered and p.name.split(":", 1)[0] not in NOT_PAGES
    ]


def registered(name: str) -> bool:
    return any(p.name == name for p in url_patterns())


def path_of(name: str, spec: Page) -> str:
    """The page's path with its arguments from the seeded demo, and its query string."""
    query = spec.query()
    return reverse(name, kwargs=spec.kwargs()) + (f"?{query}" if query else "")


_SAMPLE = {"int": 1, "str": "x", "slug": "x", "path": "x", "uuid": "0" * 32}


def sample_path(name: str) -> str:
    """A path for the pattern with made-up arguments (for targets that refuse any GET)."""
    route = next(p.route for p in url_patterns() if p.name == name)
    kwargs = {arg: _SAMPLE[kind] for kind, arg in re.findall(r"<(\w+):(\w+)>", route)}
    return reverse(name, kwargs=kwargs)


def crawl_usernames() -> list[str]:
    """Every demo user (the information governance officer among them)."""
    return demo_usernames()


def seed_demo_council() -> None:
    """The demo as `make demo` seeds it (fewer children), every demo user with the browser
    tests' password, an open practice review for the reviewer's pages, and an import run
    and upload for the imports pages."""
    # A transactional test before this one on the same worker emptied every table, the
    # rows the data migrations shipped included.
    restore_shipped_rows()
    from assure.children.demo import seed_demo
    from assure.people.models import User

    out = io.StringIO()
    seed_demo(children=DEMO_CHILDREN)
    # Six audits, as the audits demo's own test: a group of siblings is left for its
    # family audit.
    call_command("seed_demo_audits", "--if-empty", count=6, stdout=out)
    call_command("seed_demo_decisions", "--if-empty", stdout=out)
    call_command("seed_demo_insights", "--if-empty", stdout=out)
    call_command("seed_demo_governance", "--if-empty", stdout=out)
    User.objects.filter(username__in=demo_usernames()).update(password=make_password(PASSWORD))
    _open_practice_review()
    _import_records()


def demo_usernames() -> list[str]:
    from assure.children.demo import DEMO_USERS

    return [u.username for u in DEMO_USERS]


def _open_practice_review() -> None:
    """A review still in progress (the demo's is concluded), with a recommendation: the
    pages where a reviewer writes."""
    from assure.audits.models import Theme
    from assure.families import review_services
    from assure.families.models import PracticeReview
    from assure.people.models import User

    concluded = PracticeReview.objects.order_by("pk").first()
    lead = User.objects.get(username="lead")
    auditor = User.objects.get(username="auditor")
    review = review_services.practice_review_start(
        family=concluded.family,
        title="Contact between the siblings",
        period_start=None,
        period_end=None,
        children=list(concluded.children.all()),
        reviewers=[auditor],
        actor=lead,
    )
    review_services.practice_review_recommendation_add(
        review=review,
        text="Plan contact between brothers and sisters placed apart from the start.",
        actor=auditor,
        themes=list(Theme.objects.filter(slug="contact")),
    )


def _import_records() -> None:
    """One applied 903 import and the upload it came from, with its problems file."""
    from assure.core import clock
    from assure.imports import uploads
    from assure.imports.models import ImportRun, ImportUpload
    from assure.people.models import User

    performance = User.objects.get(username="performance")
    now = clock.now()
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.SSDA903,
        status=ImportRun.Status.APPLIED,
        actor=performance,
        started_at=now - dt.timedelta(minutes=3),
        finished_at=now,
        counts={"children": DEMO_CHILDREN},
    )
    directory = uploads.upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    problems = "every-page-problems.csv"
    (directory / problems).write_text("file,row,column,value,reason\n", encoding="utf-8")
    ImportUpload.objects.create(
        kind=ImportRun.Kind.SSDA903,
        status=ImportUpload.Status.APPLIED,
        actor=performance,
        created_at=now - dt.timedelta(minutes=5),
        updated_at=now,
        files=[],
        check_result={},
        problems_file=problems,
        run=run,
    )
