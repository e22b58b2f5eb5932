"""Store: the DuckDB file that holds articles, sentences, entities, events, claims, runs."""

from eventledger.store.duck import Store, StoreError

__all__ = ["Store", "StoreError"]
