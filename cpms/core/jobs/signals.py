"""`job_finished` (blinker): sent with `job_id=` once the job's end (done, or failed for good) is committed.
Receivers (the notifications domain's: the owner's in-app notice and e-mail) commit their own work; core imports
no domain, the notifications domain connects to this signal."""
from blinker import Namespace

_signals = Namespace()
job_finished = _signals.signal("cpms-job-finished")
