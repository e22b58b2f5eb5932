"""Export: the store's articles, events and claims as JSON Lines, CSV and Parquet."""

from eventledger.export.writers import export_all, export_store, exported_files, up_to_date

__all__ = ["export_all", "export_store", "exported_files", "up_to_date"]
