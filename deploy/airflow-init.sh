#!/usr/bin/env bash
# One-shot initialisation of the Airflow stack (the airflow-init service of docker-compose.yml).
# Runs as root only to prepare the volumes, then drops to the airflow user (uid 50000, gid 0)
# for everything else. Safe to run again: each step is idempotent.
set -euo pipefail

AIRFLOW_UID=50000
STAGING_DIR="${NEWSWATCH__AIRFLOW__STAGING_DIR:-/data/staging}"
WAREHOUSE_DIR="$(dirname "${NEWSWATCH_DB:-/data/warehouse/newswatch.duckdb}")"
AUTH_DIR="$(dirname "${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:-/opt/airflow/auth/passwords.json}")"

as_airflow() {
    setpriv --reuid="${AIRFLOW_UID}" --regid=0 --clear-groups -- env HOME=/opt/airflow "$@"
}

# The .env.example placeholders start with "change-me": say so loudly if one is still in use.
for var in AIRFLOW__DATABASE__SQL_ALCHEMY_CONN AIRFLOW__API_AUTH__JWT_SECRET \
    AIRFLOW__API__SECRET_KEY AIRFLOW_ADMIN_PASSWORD; do
    if [[ "${!var:-}" == *change-me* ]]; then
        echo "airflow-init: WARNING: ${var} uses a placeholder from .env.example; set a real secret in .env" >&2
    fi
done

echo "airflow-init: preparing ${WAREHOUSE_DIR}, ${STAGING_DIR}, ${AIRFLOW_HOME}/logs, ${AUTH_DIR}"
mkdir -p "${WAREHOUSE_DIR}" "${STAGING_DIR}" "${AIRFLOW_HOME}/logs" "${AUTH_DIR}"
chown -R "${AIRFLOW_UID}:0" "${WAREHOUSE_DIR}" "${STAGING_DIR}" "${AIRFLOW_HOME}/logs" "${AUTH_DIR}"
chmod -R g+rwX "${WAREHOUSE_DIR}" "${STAGING_DIR}" "${AIRFLOW_HOME}/logs"

# Fail here, with the file, key and problem, rather than in every task later.
echo "airflow-init: checking the newswatch config in ${NEWSWATCH_CONFIG:-<default>}"
POOL="$(as_airflow python -c 'from newswatch.settings import load_settings; print(load_settings().airflow.pool)')"

echo "airflow-init: migrating the metadata database"
as_airflow airflow db migrate

# DuckDB allows one writer: every task that writes the warehouse runs in this pool of one slot.
echo "airflow-init: pool ${POOL} with 1 slot"
as_airflow airflow pools set "${POOL}" 1 "newswatch DuckDB warehouse: a single writer at a time"

# SimpleAuthManager reads its users' passwords from this JSON file; write the admin's from .env
# (rewritten on every start, so changing AIRFLOW_ADMIN_PASSWORD and restarting takes effect).
if [[ -n "${AIRFLOW_ADMIN_PASSWORD:-}" ]]; then
    echo "airflow-init: password file for user ${AIRFLOW_ADMIN_USER:-admin}"
    as_airflow python - <<'PY'
import json
import os
from pathlib import Path

path = Path(os.environ.get(
    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", "/opt/airflow/auth/passwords.json"
))
user = os.environ.get("AIRFLOW_ADMIN_USER") or "admin"
path.write_text(json.dumps({user: os.environ["AIRFLOW_ADMIN_PASSWORD"]}) + "\n")
path.chmod(0o600)
PY
fi

echo "airflow-init: done"
