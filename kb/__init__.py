"""Kooperationswissen: curated YAML → validated → SQLite → Datasette."""

__version__ = "0.1.0"
