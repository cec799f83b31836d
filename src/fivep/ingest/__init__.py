"""Reading study folders: transcripts in every format, the roster, Thai text repair."""
