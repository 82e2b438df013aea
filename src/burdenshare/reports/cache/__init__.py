"""The report cache: what a report's key is made of, and where executed reports are kept."""
