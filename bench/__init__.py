"""Benchmarks and query plans on the large data set (``manage.py generate_large``): see README.md."""
