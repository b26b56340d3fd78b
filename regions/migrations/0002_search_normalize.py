"""search_normalize(text): the one normalisation behind every name search.

Lower-case, without Latin accents (unaccent), without Arabic diacritics and tatweel, with
the spelling variants of Arabic letters folded (hamza forms of alef, alef maqsura and
yaa, taa marbuta and haa, Persian keheh and yeh), apostrophes dropped (M'diq, Mdiq),
other punctuation turned into spaces and spaces collapsed. IMMUTABLE so that generated columns and indexes can use it; unaccent
is called with its schema and dictionary named, so the result never depends on the
search_path (pg_restore runs with an empty one).
"""

from django.db import migrations

CREATE = r"""
DO $do$
DECLARE
    unaccent_schema text := (
        SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'
    );
BEGIN
    EXECUTE format($sql$
        CREATE OR REPLACE FUNCTION search_normalize(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $fn$
            SELECT btrim(regexp_replace(
                translate(
                    regexp_replace(
                        lower(%1$I.unaccent(%2$L::regdictionary, value)),
                        '[\u064B-\u065F\u0670\u0640''’‘ʼ`´]', '', 'g'
                    ),
                    'أإآٱىیکةؤئ',
                    'ااااييكهوي'
                ),
                '[-‐–—.,;:!?()\[\]/\\_"«»،؛\s]+', ' ', 'g'
            ))
        $fn$
    $sql$, unaccent_schema, unaccent_schema || '.unaccent');
END
$do$;
"""

DROP = "DROP FUNCTION IF EXISTS search_normalize(text);"


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_extensions")]

    operations = [migrations.RunSQL(CREATE, DROP)]
