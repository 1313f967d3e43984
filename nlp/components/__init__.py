"""spaCy components and helpers of the extraction pipeline (one job per module)."""
