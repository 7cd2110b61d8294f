"""The explorer: a read-only web view of the analyst snapshot (`newswatch web`, or mounted in
the Airflow UI by plugins/newswatch_explorer.py)."""
