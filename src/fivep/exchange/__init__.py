"""REFI-QDA exchange (.qdpx projects, .qdc codebooks)."""
