"""The CELC reports (the Annual Budget Report and the Evaluation Report) in PDF, JSON and CSV.

The figures come from the selectors; this package only lays them out, so the pages, the command
and the background jobs all say the same thing.
"""
