"""cargohold-gcp: the ``gcp`` artifact-store flavor. Importing it never imports gcsfs."""
