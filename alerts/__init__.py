"""Alerts: rules over the warehouse, an outbox table, and delivery channels (no Airflow).

The package imports nothing on its own, so reading `alerts.config` (as settings do at DAG
parse time) does not pull in DuckDB or HTTP clients.
"""
