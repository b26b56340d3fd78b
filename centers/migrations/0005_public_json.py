"""The database writes what the public API says about a center, so that a list costs
Python no more than joining texts. One definition of the public properties serves the
JSON list item and the GeoJSON feature; it reads only public fields (centers/privacy.py).

center_public_properties(center, distance_m, beyond_radius) -> json
center_list_item(center, distance_m, beyond_radius) -> text   {"id", "location", …properties}
center_geojson_feature(center, distance_m, beyond_radius) -> text   an RFC 7946 Feature

distance_m and beyond_radius are left out when NULL (a search without lat/lon).
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION center_public_properties(
    c centers_center, distance_m integer, beyond_radius boolean
) RETURNS json LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_strip_nulls(json_build_object(
        'slug', c.slug,
        'name_ar', c.name_ar,
        'name_fr', c.name_fr,
        'name_en', c.name_en,
        'category', (SELECT k.code FROM centers_category k WHERE k.id = c.category_id),
        'status', c.status,
        'location_precision', c.public_location_precision,
        'region', (SELECT r.code FROM regions_region r WHERE r.id = c.region_id),
        'province', (SELECT p.code FROM regions_province p WHERE p.id = c.province_id),
        'commune', m.code,
        'commune_name_ar', m.name_ar,
        'commune_name_fr', m.name_fr,
        'phones', c.phones,
        'updated_at', c.updated_at,
        'archived', c.archived,
        'distance_m', distance_m,
        'beyond_radius', beyond_radius
    ))
    FROM regions_commune m WHERE m.id = c.commune_id
$$;

-- 6 decimals of a degree: about 10 cm.
CREATE FUNCTION center_list_item(
    c centers_center, distance_m integer, beyond_radius boolean
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT '{"id": ' || c.id
        || ', "location": ' || ST_AsGeoJSON(c.public_location, 6)
        || ', ' || substr(center_public_properties(c, distance_m, beyond_radius)::text, 2)
$$;

CREATE FUNCTION center_geojson_feature(
    c centers_center, distance_m integer, beyond_radius boolean
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_build_object(
        'type', 'Feature',
        'id', c.id,
        'geometry', ST_AsGeoJSON(c.public_location, 6)::json,
        'properties', center_public_properties(c, distance_m, beyond_radius)
    )::text
$$;
"""

DROP = """
DROP FUNCTION center_geojson_feature(centers_center, integer, boolean);
DROP FUNCTION center_list_item(centers_center, integer, boolean);
DROP FUNCTION center_public_properties(centers_center, integer, boolean);
"""


class Migration(migrations.Migration):
    dependencies = [("centers", "0004_public_location_geometry_index")]

    operations = [migrations.RunSQL(CREATE, DROP)]
