"""Use cases: one function per state change. Services mutate, write the audit row and flush;
their caller (a view, a job, a CLI command) commits."""
