"""`eventledger serve`: the web UI and JSON API over a store."""

from eventledger.serve.app import create_app

__all__ = ["create_app"]
