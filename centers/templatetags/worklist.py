from django import template
from django.db.models import Count

from regions.models import Region

from ..models import Center

register = template.Library()


@register.simple_tag
def to_check_by_region(user) -> list[tuple[Region, int]]:
    """How many published centers of each region the staff member covers lack a fact or
    a recent check (CenterQuerySet.to_check), for the admin's first page."""
    counts = (
        Center.objects.published()
        .in_regions_of(user)
        .to_check()
        .values("region")
        .annotate(count=Count("id"))
    )
    by_id = {row["region"]: row["count"] for row in counts}
    return [
        (region, by_id[region.pk])
        for region in Region.objects.without_boundaries().filter(pk__in=by_id)
    ]
