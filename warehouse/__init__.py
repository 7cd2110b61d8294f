"""DuckDB warehouse for newswatch: schema, loads and analyst queries.

The package imports nothing on its own: `warehouse.config` is read at DAG parse time, DuckDB is not.
"""
