"""Mounts the newswatch explorer in the Airflow 3 UI: the app at /newswatch/ on Airflow's own
address, a "newswatch explorer" entry in the navigation, behind Airflow's login.

Nothing is read when Airflow loads this file: the settings (and so the snapshot's path) are
loaded on the first request.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from airflow.plugins_manager import AirflowPlugin

PREFIX = "/newswatch"


@cache
def _snapshot() -> Path:
    """The analyst snapshot of the settings this Airflow runs with (NEWSWATCH_CONFIG/_DB)."""
    from newswatch.settings import load_settings
    from warehouse.snapshot import snapshot_path

    return snapshot_path(load_settings())


class AirflowLogin:
    """ASGI guard: a request passes only with a valid Airflow session (its JWT cookie, or a
    bearer token), so the explorer is exactly as private as the Airflow UI around it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN
            from airflow.api_fastapi.core_api.security import resolve_user_from_token
            from fastapi import HTTPException
            from starlette.requests import Request
            from starlette.responses import PlainTextResponse

            request = Request(scope)
            header = request.headers.get("authorization", "")
            token = header[7:] if header.lower().startswith("bearer ") else None
            try:
                await resolve_user_from_token(token or request.cookies.get(COOKIE_NAME_JWT_TOKEN))
            except HTTPException as exc:
                reply = PlainTextResponse("log in to Airflow first", status_code=exc.status_code)
                await reply(scope, receive, send)
                return
        await self.app(scope, receive, send)


def explorer_app(require_login: bool = True) -> Any:
    """The FastAPI app Airflow mounts at PREFIX: the explorer, behind Airflow's login."""
    from fastapi import FastAPI

    from newswatch.web.app import create_app

    api = FastAPI(title="newswatch explorer", docs_url=None, redoc_url=None, openapi_url=None)
    inner = create_app(_snapshot, token=os.environ.get("NEWSWATCH_WEB_TOKEN") or None)
    api.mount("/", AirflowLogin(inner) if require_login else inner)
    return api


class NewswatchExplorerPlugin(AirflowPlugin):
    """The explorer as an Airflow UI page."""

    name = "newswatch_explorer"
    # Airflow reads these class attributes as lists.
    fastapi_apps = [  # noqa: RUF012
        {"app": explorer_app(), "url_prefix": PREFIX, "name": "newswatch explorer"}
    ]
    external_views = [  # noqa: RUF012
        {
            "name": "newswatch explorer",
            "href": PREFIX.lstrip("/") + "/",
            "destination": "nav",
            "url_route": "newswatch",
        }
    ]
