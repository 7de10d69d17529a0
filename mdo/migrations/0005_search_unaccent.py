"""PostgreSQL only: the unaccent extension and the ``mdo_french`` text search configuration.

``mdo_french`` is the French configuration with unaccent applied before stemming, so that the global
search and the pickers find "École" from "ecole". SQLite gets its folding from a function registered
on each connection (``mdo.search.register_sqlite_functions``): nothing to do there.
unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it.
"""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'mdo_french') THEN
    CREATE TEXT SEARCH CONFIGURATION mdo_french (COPY = pg_catalog.french);
    ALTER TEXT SEARCH CONFIGURATION mdo_french
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END
$$;
"""

BACKWARD = "DROP TEXT SEARCH CONFIGURATION IF EXISTS mdo_french;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("mdo", "0004_directory_rules")]
    operations = [migrations.RunPython(forward, backward)]
