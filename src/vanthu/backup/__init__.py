"""Backup and restore of a whole installation (docs/backup.md)."""
