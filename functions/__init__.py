"""Entry points: decode the request or CloudEvent, call one service, encode the result."""
