"""newswatch: a streaming news monitor (feeds in, on-topic articles and entities in DuckDB out)."""

__version__ = "0.1.0"
