"""Imports of a spreadsheet with a row-level preview, shared by the domains (trainees, enrolment, vetting results
and attendance marks in training; the equipment inventory). The parts:

- base.py: the kinds of import (a domain subclasses ImportKind), reading a CSV or XLSX upload within bounds,
  matching its header row in French or English, the preview and the confirmation (once, all or nothing);
- values.py: reading cells (dates, numbers, choices from a vocabulary) into values or row problems;
- staging.py: large confirmed files, staged in short transactions and published in one step by a job;
- models.py: the confirmed imports and their staged rows;
- forms.py and views.py: the upload and confirmation forms and the page helpers a domain's views call
  (templates/core/import.html).

This package's __init__ imports none of its parts: cpms/core/models.py loads models.py at import time.
"""
