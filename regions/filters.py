import django_filters
from django.core.exceptions import ValidationError

from .models import Commune, Province, Region


def known_code(model):
    """A form validator: an unknown code is a 400 naming the parameter, not an empty list."""

    def validate(code: str) -> None:
        if code and not model.objects.filter(code=code).exists():
            raise ValidationError(
                "Unknown %(kind)s code: %(code)s.",
                params={"kind": model._meta.verbose_name, "code": code},
            )

    return validate


class ProvinceFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__code",
        validators=[known_code(Region)],
        help_text="Official code of the region, e.g. 04.",
    )

    class Meta:
        model = Province
        fields = ["region"]


class CommuneFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(
        field_name="province__code",
        validators=[known_code(Province)],
        help_text="Official code of the province or prefecture, e.g. 04.421.",
    )
    region = django_filters.CharFilter(
        field_name="province__region__code",
        validators=[known_code(Region)],
        help_text="Official code of the region, e.g. 04.",
    )

    class Meta:
        model = Commune
        fields = ["province", "region"]
