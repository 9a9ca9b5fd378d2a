"""Panel pages: the panels, one panel (terms, members, meetings), one meeting (attendance,
quorum, agenda, outcomes, minutes) and the arrangements review."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assure.core import access, clock
from assure.decisions.models import DecisionType

from . import conflicts, review, selectors, services
from .forms import (
    AttendanceForm,
    EndMembershipForm,
    ItemForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    OutcomeForm,
    TermsForm,
)


def _require_view(request: HttpRequest) -> None:
    if not access.can(request.user, "view_panels"):
        raise PermissionDenied


def panel_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return render(
        request,
        "panels/list.html",
        {
            "panels": selectors.panels_overview(),
            "may_review": access.can(request.user, "view_arrangements_review"),
        },
    )


def panel_detail(request: HttpRequest, slug: str) -> HttpResponse:
    _require_view(request)
    panel = selectors.panel_get(slug=slug)
    members = selectors.members_of(panel=panel)
    today = clock.today()
    current_members = [m for m in members if m.active_on(today)]
    manage = access.can(request.user, "manage_panels")
    chair = any(m.user_id == request.user.pk and m.panel_role == "chair" for m in current_members)
    action = request.POST.get("action", "")
    member_form = MemberForm(request.POST if action == "member" else None, prefix="member")
    meeting_form = MeetingForm(
        request.POST if action == "meeting" else None, prefix="meeting", members=current_members
    )
    terms = panel.terms.order_by("-version").first()
    terms_form = TermsForm(
        request.POST if action == "terms" else None,
        prefix="terms",
        initial=_terms_initial(terms),
    )
    if request.method == "POST":
        done = _panel_action(request, panel, action, member_form, meeting_form, terms_form)
        if done:
            return done
    return render(
        request,
        "panels/detail.html",
        {
            "panel": panel,
            "terms": terms,
            "all_terms": list(panel.terms.order_by("-version")),
            "terms_decisions": _decision_names(terms.decisions if terms else []),
            "members": members,
            "meetings": selectors.meetings_overview(panel=panel),
            "may_manage": manage,
            "may_hold_meeting": manage or chair,
            "today": today,
            "member_form": member_form,
            "meeting_form": meeting_form,
            "terms_form": terms_form,
        },
    )


def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End one membership on a given day (the assurance lead or an administrator): the
    person stays in the panel's history and counts for meetings up to that day."""
    if not access.can(request.user, "manage_panels"):
        raise PermissionDenied
    member = selectors.member_get(pk=pk)
    form = EndMembershipForm(request.POST or None, initial={"to_date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_member_end(
                member=member, to_date=form.cleaned_data["to_date"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error("to_date", " ".join(exc.messages))
        else:
            messages.success(
                request, f"{member.user.display_name} is a member until {member.to_date:%-d %b %Y}."
            )
            return redirect("panels:detail", slug=member.panel.slug)
    return render(request, "panels/member_end.html", {"member": member, "form": form})


def _decision_names(slugs: list[str]) -> list[str]:
    """Decision types by name, never by slug."""
    names = dict(DecisionType.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [names.get(slug, slug.replace("_", " ").capitalize()) for slug in slugs]


def _terms_initial(terms: Any) -> dict[str, Any]:
    if terms is None:
        return {}
    return {
        "purpose": terms.purpose,
        "quorum_requires_chair": terms.quorum_requires_chair,
        "quorum_requires_legal_adviser": terms.quorum_requires_legal_adviser,
        "quorum_other_members": terms.quorum_other_members,
        "required_roles": terms.required_roles,
        "decisions": list(terms.decisions),
    }


def _panel_action(request, panel, action, member_form, meeting_form, terms_form):  # type: ignore[no-untyped-def]
    try:
        if action == "member" and member_form.is_valid():
            data = member_form.cleaned_data
            services.panel_member_add(
                panel=panel,
                user=data["user"],
                panel_role=data["panel_role"],
                from_date=data["from_date"],
                to_date=data["to_date"],
                actor=request.user,
            )
            messages.success(request, f"{data['user'].display_name} is on the panel.")
            return redirect("panels:detail", slug=panel.slug)
        if action == "meeting" and meeting_form.is_valid():
            meeting = services.meeting_create(
                panel=panel,
                date=meeting_form.cleaned_data["date"],
                attendees=meeting_form.cleaned_data["attendees"],
                actor=request.user,
            )
            messages.success(request, "Meeting recorded.")
            return redirect("panels:meeting", pk=meeting.pk)
        if action == "terms" and terms_form.is_valid():
            data = terms_form.cleaned_data
            terms = services.terms_revise(
                panel=panel,
                actor=request.user,
                purpose=data["purpose"],
                quorum_requires_chair=data["quorum_requires_chair"],
                quorum_requires_legal_adviser=data["quorum_requires_legal_adviser"],
                quorum_other_members=data["quorum_other_members"],
                required_roles=data["required_roles"],
                decisions=data["decisions"],
            )
            messages.success(request, f"Terms of reference version {terms.version} saved.")
            return redirect("panels:detail", slug=panel.slug)
    except ValidationError as exc:
        form = {"member": member_form, "meeting": meeting_form, "terms": terms_form}[action]
        form.add_error(None, " ".join(exc.messages))
    return None


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    meeting = selectors.meeting_get(pk=pk)
    quorum = services.meeting_quorum(meeting)
    is_chair = services.is_chair(user=request.user, meeting=meeting)
    may_add = access.can(request.user, "put_to_panel") or access.can(request.user, "manage_panels")
    may_minute = is_chair or access.can(request.user, "manage_panels")
    held = meeting.date <= clock.today()
    members_that_day = sorted(
        (m for m in meeting.panel.members.all() if m.active_on(meeting.date)),
        key=lambda m: m.seat_order,
    )
    action = request.POST.get("action", "")
    awaiting = selectors.proposals_awaiting(meeting=meeting, user=request.user) if may_add else []
    item_form = ItemForm(
        request.POST if action == "item" else None,
        prefix="item",
        awaiting=awaiting,
        on_agenda=set(
            meeting.items.filter(proposal__isnull=False).values_list("proposal_id", flat=True)
        )
        if action == "item"
        else set(),
    )
    attendance_form = AttendanceForm(
        request.POST if action == "attendance" else None,
        prefix="attendance",
        members=members_that_day,
        initial={"attendees": [u.pk for u in meeting.attendees.all()]},
    )
    outcome_form = OutcomeForm(request.POST if action == "outcome" else None, prefix="outcome")
    minutes_form = MinutesForm(
        request.POST if action == "minutes" else None,
        prefix="minutes",
        initial={"minutes": meeting.minutes},
    )
    forms = {
        "item": item_form,
        "outcome": outcome_form,
        "minutes": minutes_form,
        "attendance": attendance_form,
    }
    if request.method == "POST":
        done = _meeting_action(request, meeting, action, forms)
        if done:
            return done
    items = selectors.agenda_for(meeting=meeting, user=request.user)
    parts = conflicts.parts_for([i.proposal for i in items if i.proposal_id])
    attendees = {u.pk: u for u in meeting.attendees.all()}
    for item in items:
        # Who attended but does not count for this item, for their part in its proposal.
        item.conflicted = [
            (attendees[pk], words)
            for pk, words in parts.get(item.proposal_id, {}).items()
            if pk in attendees
        ]
    return render(
        request,
        "panels/meeting.html",
        {
            "meeting": meeting,
            "quorum": quorum,
            "held": held,
            "present": [(m, m.user_id in quorum.present) for m in members_that_day],
            "visitors": [u for u in meeting.attendees.all() if u.pk not in quorum.present],
            "items": items,
            "is_chair": is_chair,
            # The chair records outcomes only for items whose proposal they have no part in.
            "outcome_items": [
                i for i in items if request.user.pk not in parts.get(i.proposal_id, {})
            ],
            "not_mine": [i for i in items if request.user.pk in parts.get(i.proposal_id, {})],
            "may_add": may_add,
            "may_minute": may_minute,
            "may_take_attendance": may_minute
            and held
            and not any(i.current_outcomes for i in items),
            **{f"{name}_form": form for name, form in forms.items()},
            "outcome_item": request.POST.get("item", ""),
        },
    )


def _meeting_action(request, meeting, action, forms):  # type: ignore[no-untyped-def]
    item_form, outcome_form, minutes_form = forms["item"], forms["outcome"], forms["minutes"]
    attendance_form = forms["attendance"]
    try:
        if action == "attendance" and attendance_form.is_valid():
            services.meeting_set_attendance(
                meeting=meeting,
                attendees=attendance_form.cleaned_data["attendees"],
                actor=request.user,
            )
            messages.success(request, "Attendance recorded.")
            return redirect("panels:meeting", pk=meeting.pk)
        if action == "item" and item_form.is_valid():
            _add_item(request, meeting, item_form)
            messages.success(request, "Added to the agenda.")
            return redirect("panels:meeting", pk=meeting.pk)
        if action == "outcome" and outcome_form.is_valid():
            try:  # only an item about a child the chair may see
                item = selectors.agenda_item_get_for_user(
                    user=request.user, pk=request.POST.get("item", ""), meeting=meeting
                )
            except Http404:
                outcome_form.add_error(None, "Choose an item on this agenda")
                return None
            data = outcome_form.cleaned_data
            services.outcome_record(
                item=item,
                recommendation=data["recommendation"],
                conditions=data["conditions"],
                actions=[{"action": data["action"], "owner": data["owner"]}]
                if data["action"]
                else [],
                actor=request.user,
            )
            messages.success(request, "Outcome recorded.")
            return redirect("panels:meeting", pk=meeting.pk)
        if action == "minutes" and minutes_form.is_valid():
            services.minutes_record(
                meeting=meeting, minutes=minutes_form.cleaned_data["minutes"], actor=request.user
            )
            messages.success(request, "Minutes saved.")
            return redirect("panels:meeting", pk=meeting.pk)
    except (ValidationError, PermissionDenied) as exc:
        if action not in forms:
            raise
        words = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        forms[action].add_error(None, " ".join(words))
    return None


def _add_item(request: HttpRequest, meeting: Any, form: ItemForm) -> None:
    data = form.cleaned_data
    visible = access.visible_children(request.user)
    proposal = None
    if data["proposal"]:
        # Only one the list offered (awaiting this panel, visible, not on the agenda).
        offered = selectors.proposals_awaiting(meeting=meeting, user=request.user)
        proposal = next((p for p in offered if p.pk == data["proposal"]), None)
        if proposal is None:
            already = meeting.items.filter(proposal_id=data["proposal"]).exists()
            raise services.AlreadyOnTheAgenda(
                "That proposal is already on this meeting's agenda."
                if already
                else "Choose a proposal from the list."
            )
        child = proposal.child
    else:
        child = visible.filter(child_id=data["child_id"]).first()
        if child is None:
            raise ValidationError("There is no child with that ID that you may see.")
    papers = [{"title": data["paper_title"], "url": data["paper_url"]}] if data["paper_url"] else []
    services.agenda_item_add(
        meeting=meeting,
        child=child,
        proposal=proposal,
        question=data["question"],
        papers=papers,
        actor=request.user,
    )


def arrangements_review(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view_arrangements_review"):
        raise PermissionDenied
    report = review.arrangements_review(user=request.user)
    return render(request, "panels/review.html", {"report": report})
