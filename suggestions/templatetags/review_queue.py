from django import template
from django.db.models import Count

from regions.models import Region

from ..models import Suggestion

register = template.Library()


@register.simple_tag
def waiting_by_region(user) -> list[tuple[Region, int]]:
    """How many suggestions wait in each region the staff member covers, for the admin's
    first page."""
    counts = (
        Suggestion.objects.in_regions_of(user)
        .filter(status=Suggestion.Status.WAITING)
        .values("region")
        .annotate(count=Count("id"))
    )
    by_id = {row["region"]: row["count"] for row in counts}
    return [
        (region, by_id[region.pk])
        for region in Region.objects.without_boundaries().filter(pk__in=by_id)
    ]
