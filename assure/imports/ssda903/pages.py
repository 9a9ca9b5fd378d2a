"""The 903's own pages: every check with its source and how often it fired in the last
import (for anyone signed in: it holds no child's data), and choosing the council for an
upload of several councils' children (for those who may import)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assure.core import access
from assure.core.errors import NotNow, message_of

from .. import selectors as import_selectors
from .. import uploads
from ..models import ImportUpload
from . import selectors
from .catalogue import ALL_RULES


def rules_page(request: HttpRequest) -> HttpResponse:
    run, groups = selectors.rules_with_counts()
    return render(
        request,
        "imports/rules_903.html",
        {
            "run": run,
            "groups": groups,
            "total": len(ALL_RULES),
            "dfe_total": sum(1 for rule in ALL_RULES.values() if rule.dfe),
            "may_import": access.can(request.user, "import_data"),
        },
    )


@require_POST
def upload_council(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Check an upload again for the council chosen among those its files hold."""
    if not access.can(request.user, "import_data"):
        raise PermissionDenied
    try:
        upload = import_selectors.upload_get(upload_id=upload_id)
    except ImportUpload.DoesNotExist:
        raise Http404 from None
    try:
        uploads.upload_choose_council(
            upload=upload, actor=request.user, la=request.POST.get("la", "")
        )
    except (ValidationError, NotNow) as exc:
        messages.error(request, message_of(exc))
    return redirect("imports:upload", upload_id=upload.pk)
