"""An expo's committee: who serves in which role, invitations, and the audit log's page."""
