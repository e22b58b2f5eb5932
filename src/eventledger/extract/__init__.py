"""Extract: events and claims from parsed sentences, with evidence offsets."""
