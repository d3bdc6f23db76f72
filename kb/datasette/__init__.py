"""The kb Datasette plugin package: hooks in plugin.py, templates/ shipped alongside.

The entry point names this package (not the module) so Datasette finds templates/.
"""
from kb.datasette.plugin import (
    extra_body_script, extra_template_vars, prepare_connection, prepare_jinja2_environment, render_cell,
)

__all__ = ["extra_body_script", "extra_template_vars", "prepare_connection", "prepare_jinja2_environment", "render_cell"]
