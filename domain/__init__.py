"""Pure domain logic: no I/O, no platform SDKs, no database."""
