"""The kb Datasette plugin package: hooks in plugin.py, templates/ and static/ shipped alongside.

The entry point names this package (not the module) so Datasette finds templates/ and static/.
"""
from kb.datasette.errors import handle_exception
from kb.datasette.permissions import startup
from kb.datasette.security import asgi_wrapper
from kb.datasette.plugin import (
    extra_body_script, extra_template_vars, filters_from_request, prepare_connection, prepare_jinja2_environment,
    register_facet_classes, register_output_renderer, register_routes, render_cell,
)

__all__ = ["asgi_wrapper", "extra_body_script", "extra_template_vars", "filters_from_request", "handle_exception",
           "prepare_connection", "prepare_jinja2_environment", "register_facet_classes", "register_output_renderer", "register_routes",
           "render_cell", "startup"]
