"""The detectors, one module per family: contact details, cards, national ids, network
addresses and URL credentials, tokens, sensitive keys, canaries; and the default set.

They are written independently of any redactor they are meant to check, so one bug
cannot hide itself in both.
"""
