from django.db import migrations

CREATE_VIEW = """
CREATE VIEW regions_place AS
SELECT r.code, 'region' AS kind, r.name_ar, r.name_fr, r.name_en,
       r.population_2024 AS population, r.code AS region_code, NULL::varchar AS province_code,
       r.reference_point, r.bbox, r.search_ar, r.search_fr
  FROM regions_region r
UNION ALL
SELECT p.code, 'province', p.name_ar, p.name_fr, p.name_en,
       p.population_2024, r.code, p.code,
       p.reference_point, p.bbox, p.search_ar, p.search_fr
  FROM regions_province p JOIN regions_region r ON r.id = p.region_id
UNION ALL
SELECT c.code, 'commune', c.name_ar, c.name_fr, c.name_en,
       c.population_2024, r.code, p.code,
       c.reference_point, c.bbox, c.search_ar, c.search_fr
  FROM regions_commune c
  JOIN regions_province p ON p.id = c.province_id
  JOIN regions_region r ON r.id = p.region_id;
"""


class Migration(migrations.Migration):
    dependencies = [("regions", "0003_areas")]

    operations = [migrations.RunSQL(CREATE_VIEW, "DROP VIEW regions_place;")]
