"""Exhibitors."""
