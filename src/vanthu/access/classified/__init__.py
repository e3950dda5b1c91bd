"""Classified documents (issue 6): protection periods and decisions, numbered copies, the copy
register (sổ quản lý sao, chụp) and the hand-over register (sổ chuyển giao) — docs/security.md."""
