"""Pass PDFs, pure: one card (``pdf``), four to a sheet (``sheets``), QR codes, splicing, batches."""
