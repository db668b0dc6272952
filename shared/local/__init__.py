"""The local stack's parts: one process with every function, a loopback mailbox, the report
address over SMTP. Neither domain nor adapters."""
