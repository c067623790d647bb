"""The duplicate check's normalised name, kept by PostgreSQL, with a trigram index.

`name_key` is the name without a branch in brackets, spaces and punctuation, lower-cased: the
same key as sponsors.queries._name_key, so 李宁专卖店(光谷店) and 李宁 专卖店 share one. A
stored generated column, so every insert (the form, the import, bulk seeding) keeps it without
the model knowing it; pg_trgm (a trusted extension) matches Chinese names under the cluster's
C.UTF-8 locale. SQLite (the quick start) gets nothing here: the check reads the names there.
"""

from django.db import migrations

# The patterns of sponsors.queries._BRANCH_RE and _NOISE_RE (a test keeps them the same).
BRANCH = r"[(（][^)）]*[)）]"
NOISE = r"[\s·\-_.,，。、]+"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE sponsors_merchant ADD COLUMN name_key text GENERATED ALWAYS AS "
    f"(lower(regexp_replace(regexp_replace(name, '{BRANCH}', '', 'g'), '{NOISE}', '', 'g'))) STORED",
    "CREATE INDEX merchant_name_key_trgm ON sponsors_merchant USING gin (name_key gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS merchant_name_key_trgm",
    "ALTER TABLE sponsors_merchant DROP COLUMN IF EXISTS name_key",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("sponsors", "0007_merchant_list_indexes")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
