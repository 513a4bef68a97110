"""Bringing teams on board from the command line: leader invites and printable invite sheets."""
