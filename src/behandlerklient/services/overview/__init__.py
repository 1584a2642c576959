"""What the start screen and the child view gather from the other folders: the work queue and the child record's
tabs."""
