"""Export: the store's articles, events and claims as JSON Lines, CSV and Parquet."""

from eventledger.export.writers import export_all

__all__ = ["export_all"]
