"""The domain: cases, their numbers, codes and rules. Imports only the standard library."""
