"""DuckDB warehouse for newswatch: schema, loads and analyst queries."""

from warehouse.store import LoadBatch, Warehouse, WarehouseError

__all__ = ["LoadBatch", "Warehouse", "WarehouseError"]
