"""The default SQLite database bears concurrent staff: WAL, IMMEDIATE transactions, a busy
timeout, and public figures cached in files rather than in the database (config/settings.py).

Each test starts a fresh Python with its own environment: the settings are read once per
process, and the test database is in memory, where WAL does not apply."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHOW_SETTINGS = """
import json
from config import settings
db = settings.DATABASES["default"]
print(json.dumps({"options": db.get("OPTIONS", {}), "cache": settings.CACHES["default"]["BACKEND"]}))
"""

# Writer B reads, then writer A starts and writes, then B writes: with deferred transactions B
# cannot upgrade its read lock and fails at once with "database is locked"; with IMMEDIATE, A
# waits for B and both commit.
TWO_WRITERS = """
import json, threading, django
django.setup()
from django.db import connection, transaction
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE saves (who TEXT)")
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
connection.close()
b_has_read, errors = threading.Event(), []

def save(who, before_write):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM saves")
            before_write()
            cursor.execute("INSERT INTO saves VALUES (%s)", [who])
    except Exception as error:
        errors.append(f"{who}: {error}")
    finally:
        b_has_read.set()
        connection.close()

a = threading.Thread(target=save, args=("A", lambda: None))
b = threading.Thread(target=save, args=("B", lambda: (b_has_read.set(), a.start(), a.join(0.5))))
b.start(); b.join(); a.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT who FROM saves ORDER BY who")
    saved = [row[0] for row in cursor.fetchall()]
print(json.dumps({"journal_mode": mode, "errors": errors, "saved": saved}))
"""


def run_python(code, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "SQLITE_", "REDIS_URL"))
    }
    clean.update(DJANGO_SECRET_KEY="test-only-not-secret", DJANGO_SETTINGS_MODULE="config.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_default_sqlite_database_uses_wal_immediate_transactions_and_a_busy_timeout():
    shown = run_python(SHOW_SETTINGS)
    assert shown["options"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    assert shown["cache"] == "django.core.cache.backends.filebased.FileBasedCache"


def test_the_busy_timeout_is_read_from_the_environment():
    assert run_python(SHOW_SETTINGS, SQLITE_BUSY_TIMEOUT="45")["options"]["timeout"] == 45


def test_postgresql_keeps_its_defaults_and_the_database_cache():
    shown = run_python(SHOW_SETTINGS, DATABASE_URL="postgres://tracker:tracker@127.0.0.1:5433/tracker")
    assert shown["options"] == {}
    assert shown["cache"] == "django.core.cache.backends.db.DatabaseCache"


def test_two_staff_writers_who_both_read_first_both_save_on_a_file_database(tmp_path):
    outcome = run_python(TWO_WRITERS, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert outcome == {"journal_mode": "wal", "errors": [], "saved": ["A", "B"]}
