"""Files the pages need, served by the service itself (no CDN): htmx, the stylesheet, and Swagger UI for /docs.

htmx 2.0.4 (BSD-0) is committed under static/; Swagger UI comes from the ``swagger-ui-bundle-v2`` package.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from api.domain.errors import NotFound

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"
SWAGGER = Path(swagger_ui_bundle.swagger_ui_path)
# A fixed list: nothing else under these folders is ever served, whatever the path says.
FILES = {
    "htmx.min.js": STATIC / "htmx.min.js",
    "console.css": STATIC / "console.css",
    "console.js": STATIC / "console.js",
    "swagger-ui-bundle.js": SWAGGER / "swagger-ui-bundle.js",
    "swagger-ui.css": SWAGGER / "swagger-ui.css",
    "favicon.png": SWAGGER / "favicon-32x32.png",
}
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png"}


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    path = FILES.get(name)
    if path is None or not path.exists():
        raise NotFound("文件不存在 / no such file", field="name")
    return FileResponse(path, media_type=TYPES[path.suffix], headers={"Cache-Control": "public, max-age=3600"})


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    """The API's interactive docs with every asset from this server, so they load where a CDN is blocked."""
    return get_swagger_ui_html(openapi_url=request.app.openapi_url or "/openapi.json", title="安居 Anju API",
                               swagger_js_url="/static/swagger-ui-bundle.js",
                               swagger_css_url="/static/swagger-ui.css", swagger_favicon_url="/static/favicon.png")
