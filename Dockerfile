# newswatch image: the locked dependencies, the spaCy model and the project.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /opt/newswatch

COPY requirements.lock ./
RUN python -m pip install --upgrade pip \
    && python -m pip install --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY newswatch ./newswatch
COPY extractors ./extractors
COPY warehouse ./warehouse
COPY config ./config
COPY samples ./samples
COPY dags ./dags
RUN python -m pip install --no-deps --no-build-isolation -e .

# Warehouse data lives on a volume; run as an unprivileged user.
RUN useradd --create-home --uid 50000 newswatch && mkdir -p /data && chown newswatch /data
USER newswatch
ENV NEWSWATCH_DB=/data/newswatch.duckdb
ENTRYPOINT ["newswatch"]
CMD ["run"]
