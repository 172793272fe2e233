"""The development harness: the embedded engine (moto in server mode) with its process,
persistence and demo data. Nothing here runs in production; `datasources/` is what does.
"""
