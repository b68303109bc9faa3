"""The checks scripts/soak runs; soak.py is the entry point."""
