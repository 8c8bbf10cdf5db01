"""Unit tests for ``conformance/checks``: one module per rule family (a package so that names such as
``test_errors.py`` do not clash with the emulator's tests)."""
