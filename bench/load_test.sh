#!/usr/bin/env bash
# Bounded load test of the public pages: gunicorn (3 workers x 2 threads, production settings)
# and a throw-away PostgreSQL 15 on 127.0.0.1, the example data, then wrk for 60 s with 20
# connections over 14 public URLs. Prints requests, error responses and latency percentiles.
# Needs root (PostgreSQL runs as the postgres user), Debian's postgresql and wrk, and `make
# install`. Traffic goes to 127.0.0.1 only, and stops by itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GPID=""
PG_TMP=$(mktemp -d /tmp/lt-pg.XXXXXX); chown postgres: "$PG_TMP"
as_pg() { (cd / && runuser -u postgres -- "$@"); }
BIN=/usr/lib/postgresql/15/bin
as_pg $BIN/initdb -D $PG_TMP/data -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
as_pg $BIN/pg_ctl -D $PG_TMP/data -l $PG_TMP/log -w -o "-p 54377 -k $PG_TMP -c listen_addresses=127.0.0.1" start >/dev/null
trap 'as_pg $BIN/pg_ctl -D $PG_TMP/data stop -m fast >/dev/null; rm -rf $PG_TMP; [ -n "$GPID" ] && kill $GPID 2>/dev/null || true' EXIT
as_pg $BIN/psql -q -h $PG_TMP -p 54377 -U postgres -c "CREATE ROLE lt LOGIN PASSWORD 'lt'" -c "CREATE DATABASE lt OWNER lt"
export DATABASE_URL=postgres://lt:lt@127.0.0.1:54377/lt DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$(python3 -c 'import secrets;print(secrets.token_urlsafe(50))') ERASURE_HASH_KEY=$(python3 -c 'import secrets;print(secrets.token_urlsafe(50))') DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 DJANGO_CONN_MAX_AGE=60
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_example >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/gunicorn config.wsgi:application --bind 127.0.0.1:8377 --workers 3 --threads 2 --log-level warning &
GPID=$!
sleep 4
LUA=$(mktemp /tmp/lt-paths.XXXXXX.lua); cat > "$LUA" <<'LUA'
local paths = {"/fr/", "/ar/", "/fr/workshops/", "/ar/workshops/marrakech-2021-planification-strategique/",
  "/fr/regions/", "/ar/regions/fes-meknes/", "/fr/recommendations/", "/fr/tracker/", "/ar/tracker/commitments/",
  "/fr/committees/comite-suivi-programmes-action-communes/", "/fr/tracker/feed/", "/fr/tracker/data/commitments.json",
  "/fr/workshops/?q=planification&region=3", "/healthz"}
local i = 0
request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end
local errors = 0
response = function(status, headers, body) if status >= 400 then errors = errors + 1 end end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx/3xx %d, socket errors %d/%d/%d/%d\n", summary.requests,
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", latency:percentile(50)/1000,
    latency:percentile(90)/1000, latency:percentile(99)/1000, latency.max/1000))
end
LUA
wrk -t2 -c20 -d60s --timeout 10s -s "$LUA" http://127.0.0.1:8377 
