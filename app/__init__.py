"""MedTrace QA Workstation: lot release, recalls, traceability and regulatory records."""

__version__ = "0.1.0"
