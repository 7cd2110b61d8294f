"""docs/alerts.md: the receiver example verifies real signatures; the SQL examples run."""

import re
import time
from pathlib import Path

from alerts.channels import sign
from warehouse.store import Warehouse

DOC = (Path(__file__).resolve().parents[2] / "docs" / "alerts.md").read_text(encoding="utf-8")


def test_receiver_example_verifies_newswatch_signatures():
    (code,) = re.findall(r"```python\n(.*?)```", DOC, re.DOTALL)
    namespace: dict = {}
    exec(compile(code, "docs/alerts.md", "exec"), namespace)
    verify = namespace["verify_newswatch"]
    body = '{"alert_key":"k","title":"Алматы"}'.encode()
    ts = str(int(time.time()))
    headers = {"X-Newswatch-Timestamp": ts, "X-Newswatch-Signature": sign("s", ts, body)}
    assert verify("s", headers, body)
    assert not verify("other", headers, body)
    assert not verify("s", headers, body + b" ")
    stale = str(int(time.time()) - 600)
    assert not verify(
        "s", {"X-Newswatch-Timestamp": stale, "X-Newswatch-Signature": sign("s", stale, body)}, body
    )


def test_sql_examples_run(tmp_path):
    (block,) = re.findall(r"```sql\n(.*?)```", DOC, re.DOTALL)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        for statement in filter(str.strip, block.split(";")):
            wh.conn.execute(statement).fetchall()
