"""Money: bills, payments, proofs, receipts, add-ons, refunds, and the bank statement import."""
