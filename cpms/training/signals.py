"""Signals the training services send, for domains that depend on training (training imports none of them).

- `vetting_recorded`: a vetting record was created or its decision recorded; sender: the Vetting row.
- `enrolment_changed`: an enrolment was withdrawn or corrected; sender: the Enrolment row.
- `cohort_results_changed`: attendance marks or final scores of a cohort were recorded or corrected;
  sender: the Cohort.

Receivers run inside the same transaction as the change (they may flush, never commit), e.g. the
certificates domain flags certificates whose enrolment is no longer completed (cpms/certificates/reviews.py).
"""
from blinker import Namespace

_signals = Namespace()

vetting_recorded = _signals.signal("training.vetting-recorded")
enrolment_changed = _signals.signal("training.enrolment-changed")
cohort_results_changed = _signals.signal("training.cohort-results-changed")
