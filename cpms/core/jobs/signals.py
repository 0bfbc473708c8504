"""`job_finished` (blinker): sent with `job=` inside the transaction that ends a job (done or failed), so that
a receiver's writes (the notifications domain's in-app notice and e-mail) commit with it, exactly once."""
from blinker import Namespace

_signals = Namespace()
job_finished = _signals.signal("cpms-job-finished")
