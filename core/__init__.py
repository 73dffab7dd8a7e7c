"""Shared plumbing: application errors, the API error format, the job registry, health checks."""
