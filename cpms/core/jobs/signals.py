"""Signals of the job mechanism (blinker); core imports no domain, the domains connect to them.

- `job_finished`, sent with `job_id=` once the job's end (done, or failed for good) is committed. Receivers (the
  notifications domain's: the owner's in-app notice and e-mail) commit their own work.
- `job_cancelled`, sent with `job=` inside the transaction that cancels a queued job (queue.cancel_job). Receivers
  undo at once what was prepared for the job (a training import's staged rows) and only flush."""
from blinker import Namespace

_signals = Namespace()
job_finished = _signals.signal("cpms-job-finished")
job_cancelled = _signals.signal("cpms-job-cancelled")
