"""The messages of one expo as its organisers see them (the messages themselves are the platform's:
``expo.messaging``)."""
