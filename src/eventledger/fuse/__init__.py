"""Corpus-level stages: near-duplicates and rewrites, stories, fused events, canonical
entities. They run over the whole store after the per-batch stages, because what is the
same can only be seen across articles."""
