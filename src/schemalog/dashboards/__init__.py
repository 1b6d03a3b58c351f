"""Seed 004's KPIs and dashboards: definitions, metric math, CloudWatch bodies, the page."""
