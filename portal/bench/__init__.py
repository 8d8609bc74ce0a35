"""The benchmark harness behind `manage.py bench` and `scripts/loadtest.py`.

It builds a synthetic province in layers (structure, covenants, conferences, proposals) inside a
throwaway database, opens every main page as each role would, times the PDFs, the tally, the
Excel import and the council export, and reports each figure against its budget in DESIGN.md.
"""
