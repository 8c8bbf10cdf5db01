"""Rule family: Custom Voice personal voices (seed 004)."""
