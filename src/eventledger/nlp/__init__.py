"""NLP: spaCy parse, sentences and entities, with an entity ruler fed by data files."""
