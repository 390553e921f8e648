"""Read-only queries over the money side. Pages, commands, JSON, CSV and PDFs all read through these."""
