"""Expo: runs a UMKM expo from booth booking to the gate."""
