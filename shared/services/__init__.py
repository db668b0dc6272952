"""Services: the use cases. They depend on the domain and on ports, never on adapters."""
