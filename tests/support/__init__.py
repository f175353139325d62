"""Helpers shared by the test packages: real servers on loopback, throwaway venvs."""
