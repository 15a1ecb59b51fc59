"""Outcome reports for funders and the steering group: figures from every app, suppressed."""
