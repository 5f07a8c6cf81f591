"""Editorial pipeline for reviewed medical Q&A articles."""
