"""Rule family: Speaker Recognition enrollment accounting (seed 003)."""
