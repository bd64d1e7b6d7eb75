"""Packages, exhibitor classes and prices, and the expo's booking rules, as the committee sets them."""
