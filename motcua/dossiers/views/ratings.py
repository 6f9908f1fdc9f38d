"""Follow-ups of dissatisfied ratings (RATE-5): the list for the heads of units and the "recorded outcome" form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.dossiers.rating_scale import criteria
from motcua.dossiers.selectors_rating import follow_up_unit_ids, rating_follow_ups
from motcua.dossiers.services import DossierError, NotAllowed
from motcua.dossiers.services.rating import rating_follow_up_record
from motcua.dossiers.views.access import AuthenticatedRequest, forbidden

PAGE_SIZE = 25
STATES = ("open", "closed", "all")


class FollowUpForm(forms.Form):
    """What the head of the unit did: called the applicant, explained, fixed the cause …"""

    outcome = forms.CharField(
        label=gettext_lazy("Kết quả xử lý"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Ví dụ: đã gọi điện cho người dân, giải thích, khắc phục nguyên nhân."),
    )


@login_required
@require_GET
def follow_ups(request: AuthenticatedRequest) -> HttpResponse:
    """List the follow-ups of the user's units: open first, or closed, or all."""
    if not follow_up_unit_ids(request.user):
        return forbidden(request, _("Chỉ lãnh đạo đơn vị xem được các đánh giá không hài lòng."))
    state = request.GET.get("state", "open")
    state = state if state in STATES else "open"
    page = Paginator(rating_follow_ups(user=request.user, state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {criterion.code: criterion.label for criterion in criteria()}
    context = {"page": page, "state": state, "form": FollowUpForm(), "criteria": labels, "query": f"state={state}"}
    return render(request, "dossiers/rating_follow_ups.html", context)


@login_required
@require_POST
def follow_up_record(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    """Record the outcome of one follow-up through the service, which checks the user heads its unit."""
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chưa nhập kết quả xử lý."))
        return redirect("dossiers:rating_follow_ups")
    try:
        rating_follow_up_record(follow_up_id=follow_up_id, actor=request.user, outcome=form.cleaned_data["outcome"])
    except NotAllowed as refusal:
        return forbidden(request, refusal.message)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ghi nhận kết quả xử lý."))
    return redirect("dossiers:rating_follow_ups")
