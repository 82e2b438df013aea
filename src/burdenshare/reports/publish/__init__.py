"""Publishing a run: staging, the site lock, the atomic swap."""
