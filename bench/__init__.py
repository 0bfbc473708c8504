"""The benchmark suite (`make bench`): scenarios through the real app on a generated database, each beside its
floor (the bare SQL through the driver, or a bare parse of the same file), page weight in the browser and
throughput under load. See README, section Benchmark, and bench/scenarios/ for how to add a scenario."""
