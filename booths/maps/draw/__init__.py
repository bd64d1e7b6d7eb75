"""Booth maps as PDFs, pure: ``document.render_map`` (map data in, PDF bytes out)."""
