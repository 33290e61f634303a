"""The hash-chained, append-only audit log, its signed checkpoints, verification and misuse alerts."""
