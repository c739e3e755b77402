"""Passwords, one-time codes, keys and signature cryptography; no Qt."""
