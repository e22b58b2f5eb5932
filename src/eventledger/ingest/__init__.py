"""Ingest: turn paths, folders and globs into raw documents, with metadata."""

from eventledger.ingest.readers import read_inputs

__all__ = ["read_inputs"]
