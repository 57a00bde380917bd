"""Create the cache table with the schema, so that `ameliora migrate` alone leaves a working login.

allauth's login rate limits use the cache; with the default DatabaseCache a fresh install would
answer 500 at the first sign-in until someone ran `createcachetable`.
"""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
