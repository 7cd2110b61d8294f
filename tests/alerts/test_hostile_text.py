"""Titles and entity names are written by whoever runs a site: on every channel they are shown
as text, never acted on (no channel-wide ping, no disguised link, no markup, no extra header)."""

from __future__ import annotations

import email
import json
from datetime import datetime
from email import policy
from typing import Any

import pytest

from alerts.channels import discord_escape, markdown_escape, slack_escape
from alerts.outbox import deliver_pending
from alerts.rules import evaluate
from newswatch.settings import AlertRule, AppriseChannel, EmailChannel, SlackChannel
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)
TITLE = (
    "<!channel> <https://evil.example/login|Read the CSTO statement> & @everyone "
    "[bank](https://evil.example) **now**"
)
NAME = ("<!here> Evil\r\nBcc: victim@example.org", "PERSON")


@pytest.fixture
def hostile_alert(make_settings, article, load_articles, topic):
    """Settings with the given channels and one queued alert whose title and name are hostile."""

    def build(channels):
        settings = make_settings(channels, topics=[topic(alerts=[AlertRule(rule="first_mention")])])
        load_articles(settings, article("a1", T0, {NAME: 2}, title=TITLE))
        with Warehouse(settings.db_path) as wh:
            assert evaluate(wh, settings) == 1
        return settings

    return build


def deliver(settings, env):
    with Warehouse(settings.db_path) as wh:
        return deliver_pending(wh, settings, None, env=env)


def test_escapers_leave_no_active_syntax() -> None:
    assert slack_escape("<!channel> a & b <u|t>") == "&lt;!channel&gt; a &amp; b &lt;u|t&gt;"
    assert markdown_escape("[x](y) **b** # h") == r"\[x\]\(y\) \*\*b\*\* \# h"
    escaped = discord_escape("@everyone <@123> [x](https://e.example)")
    assert "@everyone" not in escaped and "<@1" not in escaped and "[x](" not in escaped


def test_slack_text_is_escaped_per_slack_message_format(hostile_alert, local_server) -> None:
    bodies: list[bytes] = []

    def handle(request: Any) -> Any:
        bodies.append(request.raw.rfile.read(int(request.headers["Content-Length"])))
        return local_server.Reply(200, b"ok")

    local_server.route("/hook", handler=handle)
    settings = hostile_alert([SlackChannel(kind="slack", url_env="SLACK_URL")])
    assert deliver(settings, {"SLACK_URL": local_server.url("/hook")}).sent == 1
    (text,) = [json.loads(b)["text"] for b in bodies]
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt;" in text and "&lt;!here&gt;" in text
    assert "&lt;https://evil.example/login|Read the CSTO statement&gt;" in text
    assert " &amp; " in text


def test_email_subject_never_gains_a_header(hostile_alert, smtp_server) -> None:
    channel = EmailChannel(
        kind="email",
        host="127.0.0.1",
        port=smtp_server.port,
        starttls=False,
        sender="newswatch@example.org",
        recipients=["desk@example.org"],
        timeout=5,
    )
    settings = hostile_alert([channel])
    assert deliver(settings, {}).sent == 1
    (mail,) = smtp_server.messages
    assert mail.rcpts == ["<desk@example.org>"]
    msg = email.message_from_bytes(mail.data, policy=policy.default)
    assert msg["Bcc"] is None
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]


class _Captured:
    """What apprise handed to `requests` for the services that cannot run here."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, Any]] = []


@pytest.fixture
def captured(monkeypatch) -> _Captured:
    """Slack, Discord and Teams are hosted services with no local stand-in, so this replaces
    the one call apprise makes to reach them (requests' session request) and records it."""
    import requests

    seen = _Captured()

    def request(self: Any, method: str, url: str, **kwargs: Any) -> Any:
        body = kwargs.get("data") or kwargs.get("json")
        seen.posts.append((str(url), json.loads(body) if isinstance(body, str | bytes) else body))
        response = requests.Response()
        response.status_code = 204 if "discord" in str(url) else 200
        response._content = b"ok" if "slack" in str(url) else b"{}"
        return response

    monkeypatch.setattr(requests.Session, "request", request)
    monkeypatch.setattr(requests, "post", lambda url, **kw: request(None, "POST", url, **kw))
    return seen


def test_apprise_services_get_text_escaped_for_their_format(hostile_alert, captured) -> None:
    urls = (
        "https://hooks.slack.com/services/T000/B000/XXXXXXXX "
        "discord://123456/abcdefTOKEN "
        "workflows://prod.example.com:443/abc123/sigXYZ"
    )
    channel = AppriseChannel(kind="apprise", name="chat", urls_env="NW_APPRISE")
    settings = hostile_alert([channel])
    assert deliver(settings, {"NW_APPRISE": urls}).sent == 1
    by_service = {url.split("/")[2]: body for url, body in captured.posts}
    slack = json.dumps(by_service["hooks.slack.com"])
    assert "<!channel>" not in slack and "<!here>" not in slack and "<https://" not in slack
    discord = by_service["discord.com"]["content"]
    assert "@everyone" not in discord and "<!here>" not in discord
    assert "[bank](" not in discord and "**now**" not in discord
    teams = json.dumps(by_service["prod.example.com:443"])
    assert "[bank](" not in teams and "**now**" not in teams


def test_apprise_email_html_part_escapes_the_text() -> None:
    """apprise turns the plain-text body into the HTML part of its emails; that conversion must
    escape markup (pinned here, since newswatch relies on it rather than escaping twice)."""
    from apprise import NotifyFormat
    from apprise.conversion.format import convert_between

    html = convert_between(NotifyFormat.TEXT, NotifyFormat.HTML, TITLE + " <script>x</script>")
    assert "<script>" not in html and "<!channel>" not in html and "&lt;script&gt;" in html
