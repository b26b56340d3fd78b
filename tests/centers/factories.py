"""Test data with known positions. Centers are made through the services, as staff make
them, so that their commune, region and public position are derived."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from centers.models import AccessibilityFeature, Category, Service, StaffAssignment
from centers.positions import position_resolve
from centers.services import center_create
from regions.models import Region

# (latitude, longitude)
RABAT_HASSAN_TOWER = (34.0240, -6.8225)
RABAT_AGDAL = (34.0000, -6.8500)
SALE = (34.0390, -6.8030)
CASABLANCA = (33.5731, -7.5898)
MARRAKECH_JEMAA_EL_FNA = (31.6258, -7.9891)
DAKHLA = (23.6848, -15.9580)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"category-{n}")
    name_ar = factory.Sequence(lambda n: f"فئة {n}")
    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    description_ar = "وصف"
    description_fr = "Description"
    description_en = "Description"
    icon = "disability"
    color = "#005a8c"
    sensitive = False


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"service-{n}")
    name_ar = "خدمة"
    name_fr = factory.Sequence(lambda n: f"Service {n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")


class AccessibilityFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessibilityFeature
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"feature-{n}")
    name_ar = "ميزة"
    name_fr = factory.Sequence(lambda n: f"Accès {n}")
    name_en = factory.Sequence(lambda n: f"Feature {n}")


def make_center(
    *,
    at: tuple[float, float] = RABAT_HASSAN_TOWER,
    category: Category | None = None,
    user=None,
    services=(),
    precision: str = "exact",
    **fields,
):
    """A center at a known (latitude, longitude), created as staff create one."""
    fields.setdefault("name_fr", f"Centre {Category.objects.count()}-{at[0]}")
    fields["category"] = category or CategoryFactory()
    latitude, longitude = at
    position = position_resolve(latitude=latitude, longitude=longitude, precision=precision)
    return center_create(user=user, fields=fields, position=position, services=services)


STATUSES = ["open", "temporarily_closed", "planned", "closed"]


def make_row_of_centers(count: int, *, categories: list[Category], **fields) -> list:
    """`count` centers a hundred metres apart south-east of Rabat (region 04), of every
    status in turn and of the categories in turn, every other one with a phone number."""
    return [
        make_center(
            at=(33.85 + index * 0.001, -6.75),
            category=categories[index % len(categories)],
            name_fr=f"Centre {index:03}",
            status=STATUSES[index % len(STATUSES)],
            phones=["+212537000000"] if index % 2 else [],
            **fields,
        )
        for index in range(count)
    ]


def make_staff(username: str, *, role: str, regions=()):
    """A staff member in one of the two roles, assigned to regions given by code."""
    user = get_user_model().objects.create_user(
        username=username, password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    for code in regions:
        StaffAssignment.objects.create(user=user, region=Region.objects.get(code=code))
    return user


def make_directory() -> dict:
    """Five centers at known places, by name: in Rabat (opening hours, an address), in
    Salé (women's space, sensitive, legal aid), Casablanca (step-free access),
    Marrakech (women's space, Arabic name only) and Dakhla (planned)."""
    disability = CategoryFactory(code="disability")
    women = CategoryFactory(code="women", sensitive=True)
    legal_aid = ServiceFactory(code="legal-aid")
    step_free = AccessibilityFeatureFactory(code="step-free-access")
    centers = {
        "rabat": make_center(
            at=RABAT_HASSAN_TOWER,
            category=disability,
            name_fr="Centre Hassan",
            address_fr="Tour Hassan",
            opening_hours={"mon": [["08:30", "12:00"], ["14:00", "16:30"]]},
        ),
        "sale": make_center(
            at=SALE,
            category=women,
            name_fr="Espace Salé",
            address_fr="3 rue secrète",
            services=[legal_aid],
        ),
        "casablanca": make_center(at=CASABLANCA, category=disability, name_fr="Centre Anfa"),
        "marrakech": make_center(
            at=MARRAKECH_JEMAA_EL_FNA, category=women, name_ar="فضاء مراكش", name_fr=""
        ),
        "dakhla": make_center(
            at=DAKHLA, category=disability, name_fr="Centre Dakhla", status="planned"
        ),
    }
    centers["casablanca"].accessibility.add(step_free)
    return centers
