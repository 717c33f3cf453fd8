"""Test-side Slack doubles: a local fake of the Web API (``fake_api``) and signed inbound payloads (``signing``)."""
