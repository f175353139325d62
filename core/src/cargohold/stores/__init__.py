"""Artifact stores: the interface, the fsspec-backed implementation, built-in flavors."""
