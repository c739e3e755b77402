"""Report renderers: pure PDF (reportlab) and Excel (openpyxl) from plain rows; no Qt, no session."""
