"""The leaders' read-only web dashboard (issue 18): sign-in by a link from /dashboard."""
