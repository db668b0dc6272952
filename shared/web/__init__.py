"""The HTTP edge: request decoding, hosted pages, rendering. Neither domain nor adapters."""
