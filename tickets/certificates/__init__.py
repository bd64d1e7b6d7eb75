"""Certificates of participation (sertifikat keikutsertaan) for exhibitors, verifiable by QR."""
