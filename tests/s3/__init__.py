"""Tests of the ``s3`` flavor against a moto server on loopback."""
