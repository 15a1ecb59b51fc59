"""Figures for the outcome report: one function per section, SQL aggregation only.

Each function receives the hub ids and a period and returns ``Figures``; it never loops over rows in
Python. Sections for apps that are not installed simply register nothing.
"""

from __future__ import annotations
