"""Alerts: rules over the warehouse, an outbox table, and delivery channels (no Airflow)."""

from alerts.alert import Alert
from alerts.channels import DeliveryError, build_channels, sign, verify_signature
from alerts.outbox import DeliveryStats, deliver_pending, run_alerts
from alerts.rules import evaluate

__all__ = [
    "Alert",
    "DeliveryError",
    "DeliveryStats",
    "build_channels",
    "deliver_pending",
    "evaluate",
    "run_alerts",
    "sign",
    "verify_signature",
]
