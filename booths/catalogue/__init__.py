"""The digital catalogue: each exhibitor's public profile and products, the directory of an expo,
and the exhibitor's statistics (profile views, booth-sign scans, leads per day)."""
