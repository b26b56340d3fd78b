"""The public's way to tell the directory what is wrong or missing: "Suggest a
correction" on a center's page, "Tell us about a center" on a region's page and where a
search finds nothing near. The form works without JavaScript and ends on a receipt; what
is sent waits for the region's staff and is shown nowhere public."""

from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from centers import selectors
from centers.helplines import helplines_for
from centers.models import Category
from regions.models import Commune, Region

from . import limits
from .forms import SuggestionForm
from .models import Suggestion

_RECEIPT_SALT = "suggestions.receipt"
# Kinds of suggestion about a region rather than one of its centers.
ABOUT_A_REGION = [Suggestion.Kind.NEW_CENTER, Suggestion.Kind.OTHER]


def suggest_for_center(request, slug):
    center = get_object_or_404(selectors.published_with_details(), slug=slug)
    sensitive = center.category.sensitive
    kinds = Suggestion.ABOUT_A_SENSITIVE_CENTER if sensitive else list(Suggestion.Kind.values)
    kinds = [kind for kind in kinds if kind != Suggestion.Kind.NEW_CENTER]
    return _suggestion_page(
        request,
        kinds=kinds,
        about={"center": center, "region": center.region, "commune": center.commune},
        sensitive=sensitive,
    )


def suggest_for_region(request, code):
    region = get_object_or_404(Region.objects.without_boundaries(), code=code)
    commune = None
    if request.GET.get("commune"):
        commune = (
            Commune.objects.without_boundaries()
            .filter(code=request.GET["commune"], province__region=region)
            .first()
        )
    return _suggestion_page(
        request,
        kinds=ABOUT_A_REGION,
        about={"center": None, "region": region, "commune": commune},
        sensitive=False,
    )


def _suggestion_page(request, *, kinds, about: dict, sensitive: bool):
    form = SuggestionForm(request.POST or None, kinds=kinds)
    refused = ""
    if request.method == "POST" and form.is_valid():
        if limits.allow(request):
            suggestion = Suggestion.objects.create(
                **about,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                contact=form.cleaned_data["contact"],
                language=get_language(),
            )
            receipt = signing.dumps(suggestion.pk, salt=_RECEIPT_SALT)
            return redirect("suggestion-received", receipt=receipt)
        refused = _(
            "Many suggestions came from your connection in the last hour: please try again "
            "later, or call one of the helplines below."
        )
    response = render(
        request,
        "suggestions/form.html",
        {
            **about,
            "form": form,
            "refused": refused,
            "sensitive": sensitive,
            # Whatever the page is about, a way to reach help now.
            "helplines": helplines_for(
                [about["center"].category] if about["center"] else Category.objects.all()
            ),
        },
        status=429 if refused else 200,
    )
    # What someone writes about a center is theirs: no cache keeps the page.
    add_never_cache_headers(response)
    return response


def received(request, receipt):
    try:
        number = signing.loads(receipt, salt=_RECEIPT_SALT, max_age=24 * 60 * 60)
    except signing.BadSignature:
        raise Http404 from None
    response = render(request, "suggestions/received.html", {"number": number})
    add_never_cache_headers(response)
    return response
