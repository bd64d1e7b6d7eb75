"""Daily sales that exhibitors report for each expo day (omzet, transactions, orders, deals)."""
