"""The demo expo's passes and gates, issued through the services after ``booths.demo``."""
