"""Project tools: generation, execution, benchmarks and test plumbing (not for learners)."""
