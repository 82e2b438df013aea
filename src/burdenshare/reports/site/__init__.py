"""The report site: each report's page, the landing pages, and printed PDFs."""
