"""cargohold-s3: the ``s3`` artifact-store flavor. Importing it never imports s3fs."""
