"""Evaluate: score exports against gold (spec section 6) and run public benchmark suites."""
