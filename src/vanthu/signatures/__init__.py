"""Signatures on stored files: every PDF attached to a document is checked (docs/signatures.md)."""
