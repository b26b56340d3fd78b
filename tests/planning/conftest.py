"""A constructed directory at known distances, in the real communes of the test database.

Laâyoune-Sakia El Hamra (region 11) holds 20 communes in 4 provinces; the province of
Laâyoune (11.321) holds El Marsa, Laâyoune, Boukraa, Dcheira and Foum El Oued.

- disability: one center exactly at Laâyoune's reference point (distance 0), one 0.25°
  due north of Boukraa's reference point (a meridian arc, whose length is known without
  PostGIS), one in Rabat; an archived one at Tarfaya and a planned one at Es-Semara,
  which must count for nothing.
- women (sensitive): one center at an exact point 0.1° north of Boukraa's reference
  point, inside Boukraa: its public position is Boukraa's reference point.
- parenting: no center at all.
"""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from centers.services import center_archive
from regions.models import Commune
from tests.centers.factories import RABAT_HASSAN_TOWER, CategoryFactory, make_center

COMMUNES = 1503
LAAYOUNE = "11.321.01.03"
BOUKRAA = "11.321.03.01"
DCHEIRA = "11.321.03.03"
TARFAYA = "11.537.01.05"
ES_SEMARA = "11.221.01.01"
LAAYOUNE_PROVINCE = "11.321"
LAAYOUNE_REGION = "11"
# Degrees of latitude between Boukraa's reference point and the disability center due north.
NORTH_OF_BOUKRAA = 0.25


def reference(code: str) -> tuple[float, float]:
    """A commune's reference point as (latitude, longitude)."""
    point = Commune.objects.get(code=code).reference_point
    return point.y, point.x


@pytest.fixture
def categories(db):
    categories = {
        "disability": CategoryFactory(code="disability", position=1),
        "women": CategoryFactory(code="women", position=2, sensitive=True),
        "child-protection": CategoryFactory(code="child-protection", position=3, sensitive=True),
        "parenting": CategoryFactory(code="parenting", position=4),
    }
    call_command(
        "loaddata", settings.BASE_DIR / "fixtures" / "national_totals.json", stdout=io.StringIO()
    )
    return categories


@pytest.fixture
def scene(categories):
    disability = categories["disability"]
    boukraa_lat, boukraa_lon = reference(BOUKRAA)
    centers = {
        "laayoune": make_center(
            at=reference(LAAYOUNE), category=disability, name_fr="Centre de Laâyoune"
        ),
        "north_of_boukraa": make_center(
            at=(boukraa_lat + NORTH_OF_BOUKRAA, boukraa_lon),
            category=disability,
            name_fr="Centre au nord de Boukraa",
        ),
        "rabat": make_center(at=RABAT_HASSAN_TOWER, category=disability, name_fr="Centre Hassan"),
        "tarfaya_archived": make_center(
            at=reference(TARFAYA), category=disability, name_fr="Centre fermé de Tarfaya"
        ),
        "semara_planned": make_center(
            at=reference(ES_SEMARA),
            category=disability,
            name_fr="Centre prévu à Es-Semara",
            status="planned",
        ),
        "women_boukraa": make_center(
            at=(boukraa_lat + 0.1, boukraa_lon),
            category=categories["women"],
            name_fr="Espace de Boukraa",
        ),
    }
    center_archive(user=None, center=centers["tarfaya_archived"])
    return centers


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user(
        username="planner", password="a-long-test-password", is_staff=True
    )
    client.force_login(user)
    return client
