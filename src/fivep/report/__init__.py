"""Reporting: tables, charts, quotes and DOCX reports in Thai and English."""
