"""Coding: the codebook, Thai/English NLP, the rule tagger, learned suggestions, reliability, topics."""
