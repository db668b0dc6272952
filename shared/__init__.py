"""The importable package every function shares: domain, services, adapters."""
