"""Offline geocoding: a gazetteer, toponym resolution in context, and article geocoding."""
