"""cargohold-azure: the ``azure`` artifact-store flavor. Importing it never imports adlfs."""
