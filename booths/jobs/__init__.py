"""The organisers' view of an expo's background jobs (the runner itself is ``expo.jobs``)."""
