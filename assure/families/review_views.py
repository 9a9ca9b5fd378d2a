"""Practice reviews of a family: start one, read it with its annotated chronology, annotate
an event, write conclusions and recommendations, conclude and reopen."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assure.core import access
from assure.core.models import AccessEvent

from . import review_selectors, review_services, selectors
from .review_forms import (
    AnnotationForm,
    ConclusionsForm,
    RecommendationForm,
    ReopenForm,
    ReviewStartForm,
)


def review_create(request: HttpRequest, family_id: str) -> HttpResponse:
    if not access.can(request.user, "start_practice_review"):
        raise PermissionDenied
    family, members = selectors.family_get_for_user(user=request.user, family_id=family_id)
    form = ReviewStartForm(
        request.POST or None,
        children=selectors.children_of(members),
        reviewers=list(review_services.reviewer_candidates()),
        initial={
            "children": [m.child.child_id for m in members],
            "reviewers": [str(request.user.pk)],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = review_services.practice_review_start(
                family=family,
                title=form.cleaned_data["title"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                children=form.chosen_children(),
                reviewers=form.chosen_reviewers(),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Practice review started.")
            return redirect("families:review", family_id=family.family_id, review_id=review.pk)
    return render(request, "families/review_create.html", {"family": family, "form": form})


def _load(request: HttpRequest, family_id: str, review_id: int):  # type: ignore[no-untyped-def]
    review, children = review_selectors.review_get_for_user(
        user=request.user, family_id=family_id, review_id=review_id
    )
    selectors.family_record_access(
        user=request.user,
        family=review.family,
        children=children,
        via=AccessEvent.Via.PAGE,
        where=request.path,
    )
    return review, children


def review_detail(request: HttpRequest, family_id: str, review_id: int) -> HttpResponse:
    review, children = _load(request, family_id, review_id)
    action = request.POST.get("action", "")
    conclusions = ConclusionsForm(
        request.POST if action == "conclusions" else None,
        initial={"conclusions": review.conclusions},
        prefix="c",
    )
    recommendation = RecommendationForm(request.POST if action == "recommend" else None, prefix="r")
    reopen = ReopenForm(request.POST if action == "reopen" else None, prefix="o")
    errors: list[str] = []
    if request.method == "POST":
        try:
            done = _apply(request, review, action, conclusions, recommendation, reopen)
        except ValidationError as error:
            errors = error.messages
        except PermissionDenied as error:
            errors = [str(error) or "You may not do this."]
        else:
            if done:
                messages.success(request, done)
                return redirect("families:review", family_id=family_id, review_id=review.pk)
    page = review_selectors.review_page(user=request.user, review=review, children=children)
    is_reviewer = review_services.is_reviewer(request.user, review)
    return render(
        request,
        "families/review_detail.html",
        {
            "page": page,
            "review": review,
            "family": review.family,
            "conclusions_form": conclusions,
            "recommendation_form": recommendation,
            "reopen_form": reopen,
            "errors": errors,
            "may_write": is_reviewer and review.status == review.Status.IN_PROGRESS,
            "may_reopen": bool(
                review_services.WORKFLOW.allowed(
                    state=review.status, record=review, user=request.user
                )
            )
            and review.status == review.Status.CONCLUDED,
            "may_see_evidence": access.can(request.user, "view_evidence"),
        },
    )


def _apply(request, review, action, conclusions, recommendation, reopen) -> str:  # type: ignore[no-untyped-def]
    actor = request.user
    if action == "conclusions" and conclusions.is_valid():
        review_services.practice_review_conclusions_save(
            review=review, conclusions=conclusions.cleaned_data["conclusions"], actor=actor
        )
        return "Conclusions saved."
    if action == "recommend" and recommendation.is_valid():
        review_services.practice_review_recommendation_add(
            review=review,
            text=recommendation.cleaned_data["text"],
            themes=list(recommendation.cleaned_data["themes"]),
            actor=actor,
        )
        return "Recommendation added."
    if action == "conclude":
        review_services.practice_review_transition(review=review, to="concluded", actor=actor)
        return "The review is concluded: its conclusions and recommendations are in the evidence."
    if action == "reopen" and reopen.is_valid():
        review_services.practice_review_transition(
            review=review, to="in_progress", actor=actor, reason=reopen.cleaned_data["reason"]
        )
        return "The review is reopened."
    return ""


def review_annotate(request: HttpRequest, family_id: str, review_id: int) -> HttpResponse:
    review, children = _load(request, family_id, review_id)
    key = (request.POST.get("event") or request.GET.get("event") or "")[:120]
    event = review_selectors.review_event(
        user=request.user, review=review, children=children, key=key
    )
    if event is None:
        raise Http404("No such event in this review")
    form = AnnotationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.practice_review_annotate(
                review=review,
                event=event,
                category=form.cleaned_data["category"],
                commentary=form.cleaned_data["commentary"],
                actor=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, getattr(error, "messages", None) or str(error))
        else:
            messages.success(request, "Annotation added.")
            url = redirect("families:review", family_id=family_id, review_id=review.pk).url
            return redirect(f"{url}#event-{event.key.replace(':', '')}")
    return render(
        request,
        "families/review_annotate.html",
        {"review": review, "family": review.family, "event": event, "form": form},
    )


def recommendation_edit(
    request: HttpRequest, family_id: str, review_id: int, recommendation_id: int
) -> HttpResponse:
    """Change a recommendation's text or themes while the review is in progress."""
    review, _ = _load(request, family_id, review_id)
    recommendation = review.recommendations.filter(pk=recommendation_id).first()
    if recommendation is None:
        raise Http404("No such recommendation")
    if not (
        review_services.is_reviewer(request.user, review)
        and review.status == review.Status.IN_PROGRESS
    ):
        raise PermissionDenied
    form = RecommendationForm(
        request.POST or None,
        initial={"text": recommendation.text, "themes": list(recommendation.themes.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_services.practice_review_recommendation_edit(
                recommendation=recommendation,
                text=form.cleaned_data["text"],
                themes=list(form.cleaned_data["themes"]),
                actor=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, getattr(error, "messages", None) or str(error))
        else:
            messages.success(request, "Recommendation changed.")
            return redirect("families:review", family_id=family_id, review_id=review.pk)
    return render(
        request,
        "families/review_recommendation.html",
        {"review": review, "family": review.family, "form": form},
    )
