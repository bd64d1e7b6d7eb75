"""The demo expo's venue, exhibitors, bookings, map and applications, seeded through the services
(``booths.demo.expo.seed_demo`` runs the steps)."""
