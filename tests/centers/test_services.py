"""Writing centers: derived geography, refused positions, privacy rule, history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from centers.models import Center
from centers.positions import position_resolve
from centers.services import category_update, center_archive, center_restore, center_update
from regions.models import Commune

from .factories import (
    DAKHLA,
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_HASSAN_TOWER,
    CategoryFactory,
    ServiceFactory,
    make_center,
    make_staff,
)

pytestmark = pytest.mark.django_db


def test_commune_province_and_region_are_derived_from_the_position():
    center = make_center(at=RABAT_HASSAN_TOWER)

    assert center.commune.name_fr == "Rabat"
    assert center.province.code == "04.421"
    assert center.region.code == "04"

    center_update(
        user=None,
        center=center,
        fields={},
        position=position_resolve(latitude=DAKHLA[0], longitude=DAKHLA[1]),
    )
    center.refresh_from_db()
    assert (center.commune.name_fr, center.region.code) == ("Dakhla", "12")


def test_a_point_outside_morocco_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        position_resolve(latitude=40.4168, longitude=-3.7038)  # Madrid

    assert "outside Morocco" in str(error.value.message_dict["latitude"])


def test_swapped_latitude_and_longitude_are_recognised():
    latitude, longitude = RABAT_HASSAN_TOWER

    with pytest.raises(ValidationError) as error:
        position_resolve(latitude=longitude, longitude=latitude)

    assert "look swapped" in error.value.message_dict["latitude"][0]


def test_a_commune_alone_places_the_center_at_its_reference_point_approximately():
    position = position_resolve(latitude=None, longitude=None, commune_code="07.351.01.0")

    marrakech = Commune.objects.get(code="07.351.01.0")
    assert position.point == marrakech.reference_point
    assert position.precision == Center.Precision.COMMUNE


def test_unknown_commune_code_and_inconsistent_commune_are_refused():
    with pytest.raises(ValidationError, match="Unknown commune code"):
        position_resolve(latitude=None, longitude=None, commune_code="99.999.99.99")
    with pytest.raises(ValidationError, match="lies in the commune"):
        position_resolve(
            latitude=RABAT_HASSAN_TOWER[0],
            longitude=RABAT_HASSAN_TOWER[1],
            commune_code="07.351.01.0",
        )


def test_sensitive_center_is_public_only_at_its_communes_reference_point():
    women = CategoryFactory(code="women", sensitive=True)

    center = make_center(at=MARRAKECH_JEMAA_EL_FNA, category=women)

    assert center.location.coords == pytest.approx(
        (MARRAKECH_JEMAA_EL_FNA[1], MARRAKECH_JEMAA_EL_FNA[0])
    )
    assert center.public_location == center.commune.reference_point
    assert center.public_location_precision == Center.Precision.COMMUNE
    assert center.public_location.distance(center.location) > 0.001


def test_ordinary_center_is_public_at_its_exact_position():
    center = make_center(at=RABAT_HASSAN_TOWER, precision="street")

    assert center.public_location == center.location
    assert center.public_location_precision == "street"


def test_making_a_category_sensitive_hides_the_exact_positions_of_its_centers():
    category = CategoryFactory()
    center = make_center(at=RABAT_HASSAN_TOWER, category=category)

    category_update(
        user=None, category=category, fields={"sensitive": True}, reason="Shelters added"
    )

    center.refresh_from_db()
    assert center.public_location == center.commune.reference_point
    assert center.public_location_precision == "commune"


def test_each_write_is_one_history_record_with_who_and_why():
    editor = make_staff("editor", role="National administrators")
    service = ServiceFactory()
    center = make_center(user=editor, services=[service])

    center_update(
        user=editor,
        center=center,
        fields={"capacity": 30},
        position=position_resolve(latitude=RABAT_HASSAN_TOWER[0], longitude=RABAT_HASSAN_TOWER[1]),
        reason="Capacity confirmed by phone",
    )
    center_archive(user=editor, center=center, reason="Closed for good")
    center_restore(user=editor, center=center)

    records = list(center.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~", "~", "~"]
    assert {r.history_user for r in records} == {editor}
    assert records[1].history_change_reason == "Capacity confirmed by phone"
    changes = records[1].diff_against(records[0]).changed_fields
    assert changes == ["capacity"]
    assert records[2].archived and records[2].history_change_reason == "Closed for good"
    assert [row.service.code for row in records[0].services.all()] == [service.code]


def test_an_update_that_changes_nothing_records_nothing():
    center = make_center()

    changed = center_update(
        user=None,
        center=center,
        fields={"name_fr": center.name_fr},
        position=position_resolve(latitude=RABAT_HASSAN_TOWER[0], longitude=RABAT_HASSAN_TOWER[1]),
    )

    assert changed == []
    assert center.history.count() == 1


def test_archived_center_leaves_the_public_directory_but_stays_in_the_database():
    center = make_center()

    center_archive(user=None, center=center)

    assert not Center.objects.published().filter(pk=center.pk).exists()
    assert Center.objects.get(pk=center.pk).archived_at is not None


def test_slugs_are_unique_and_arabic_names_keep_their_letters():
    first = make_center(name_fr="Centre Al Amal")
    second = make_center(name_fr="Centre Al Amal")
    arabic = make_center(name_fr="", name_ar="مركز الأمل")

    assert first.slug == "centre-al-amal"
    assert second.slug == "centre-al-amal-2"
    assert arabic.slug == "مركز-الأمل"


def test_a_center_without_any_name_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="center_has_a_name"), transaction.atomic():
        make_center(name_fr="", name_ar="")


def test_nearest_returns_closest_first_with_geodesic_distance_in_metres():
    rabat = make_center(at=RABAT_HASSAN_TOWER, name_fr="Rabat")
    make_center(at=MARRAKECH_JEMAA_EL_FNA, name_fr="Marrakech")
    make_center(at=DAKHLA, name_fr="Dakhla")
    from django.contrib.gis.geos import Point

    here = Point(-6.8416, 34.0209, srid=4326)  # Rabat city centre

    nearest = list(Center.objects.published().nearest(here, k=3))

    assert [c.name_fr for c in nearest] == ["Rabat", "Marrakech", "Dakhla"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(location, ST_GeogFromText(%s)) FROM centers_center WHERE id = %s",
            [here.wkt, rabat.pk],
        )
        (expected,) = cursor.fetchone()
    assert nearest[0].distance_m.m == pytest.approx(expected, abs=1)


def test_sensitive_center_address_is_not_public_nor_searchable():
    women = CategoryFactory(code="women", sensitive=True)
    center = make_center(
        at=MARRAKECH_JEMAA_EL_FNA, category=women, address_fr="12 rue des Orangers"
    )
    ordinary = make_center(at=RABAT_HASSAN_TOWER, address_fr="5 avenue Hassan II")

    assert (center.public_address_ar, center.public_address_fr) == ("", "")
    assert ordinary.public_address_fr == "5 avenue Hassan II"
    center.refresh_from_db()
    assert "orangers" not in center.search_text
    assert "hassan" in Center.objects.get(pk=ordinary.pk).search_text
