"""What training backends share: the job interface, run orchestration, stats, progress."""
