"""Developer scripts; importable so tests can reuse their parsers."""
