"""Helpers shared by the test layers: requests to the service, span lookups, pytester runs.

Plain functions and classes only; fixtures that use them live in each folder's
``conftest.py``. The contract suite imports them too, so whatever copies that suite
elsewhere copies this package with it.
"""
