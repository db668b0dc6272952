"""Adapters: implementations of the domain's ports (stores, mail, files, rendering)."""
