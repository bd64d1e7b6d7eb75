"""Messages about passes: that an exhibitor's staff passes are ready."""
