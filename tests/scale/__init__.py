"""Scale-out, load and data-protection tests (several worker processes on one database)."""
