"""Clean: decode, extract main text from HTML, strip scraping junk, detect language."""
