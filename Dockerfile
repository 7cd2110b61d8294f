# newswatch production image: Apache Airflow 3.3.2 on Python 3.11 with newswatch, its locked
# dependencies and the spaCy model. Every Python package version comes from our locks
# (requirements.lock, plus requirements-deploy.lock for the PostgreSQL driver and Celery).
# The same image runs every service of docker-compose.yml (see docs/deployment.md).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/newswatch/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/newswatch/plugins \
    AIRFLOW__CORE__LOAD_EXAMPLES=false \
    NEWSWATCH_CONFIG=/opt/newswatch/config \
    NEWSWATCH_DB=/data/warehouse/newswatch.duckdb \
    NEWSWATCH__AIRFLOW__STAGING_DIR=/data/staging

# What Airflow needs from the OS: tini (signals and zombie reaping for the long-running
# components), curl (health checks), procps (ps, used when debugging task processes); and
# for newswatch, Intel Hyperscan (libhyperscan5, x86-64 only), the backfill's fastest
# literal search (extractors/literals.py falls back to the hyperscan wheel without it).
# All Python wheels in the locks are manylinux or pure Python: no compiler is needed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl procps tini \
    && if [ "$(dpkg --print-architecture)" = amd64 ]; then \
        apt-get install -y --no-install-recommends libhyperscan5; fi \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/newswatch

# Dependencies first, so editing the code does not reinstall them.
COPY requirements.lock requirements-deploy.lock ./
RUN python -m pip install --require-hashes -r requirements.lock \
    && python -m pip install --require-hashes -r requirements-deploy.lock

COPY pyproject.toml README.md ./
COPY newswatch ./newswatch
COPY extractors ./extractors
COPY warehouse ./warehouse
COPY alerts ./alerts
COPY common ./common
RUN python -m pip install --no-deps --no-build-isolation -e .

COPY config ./config
COPY samples ./samples
COPY dags ./dags
COPY plugins ./plugins
COPY deploy ./deploy

# Unprivileged user with Airflow's conventional uid 50000 and group 0 (root group, so an
# arbitrary uid in group 0 can still write). Data lives under /data (a volume in compose);
# ./data is a link to it, so relative paths in the config (db_path, the jsonl alert file,
# the staging folder) also land on the volume.
RUN useradd --uid 50000 --gid 0 --home-dir /opt/airflow --create-home --shell /bin/bash airflow \
    && mkdir -p /data/warehouse /data/staging /opt/airflow/logs /opt/airflow/auth \
    && chown -R 50000:0 /data /opt/airflow \
    && chmod -R g+rwX /data /opt/airflow \
    && ln -s /data /opt/newswatch/data

USER 50000
EXPOSE 8080

# `docker run IMAGE scheduler` runs `airflow scheduler`; the newswatch CLI is one
# --entrypoint away: `docker run --entrypoint newswatch IMAGE trends --topic csto`.
ENTRYPOINT ["/usr/bin/tini", "--", "airflow"]
CMD ["version"]
