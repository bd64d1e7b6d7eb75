"""Messages of the booth trade: which kinds an expo sends, and the triggers its services call."""
