"""Resolve: text mentions to actors {name, country, sector} and places."""
