"""Money: payment set-up, bills, the payment ledger, proofs of transfer, documents, add-ons, refunds."""
