"""MaceMD's Python helpers, grouped by role; run each as `python -m scripts.ROLE.NAME` from the
repository root (see README, "Development")."""
