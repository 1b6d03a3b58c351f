"""From watchtower: the CloudWatch handler becomes a ``cloudwatch:`` sink.

Run: ``python examples/migrate_watchtower.py LOG_GROUP`` with AWS credentials (or
``AWS_ENDPOINT_URL`` pointing at a CloudWatch Logs stand-in). See docs/migrating/watchtower.md.
"""

from __future__ import annotations

import logging
import sys

import schemalog

if __name__ == "__main__":
    group = sys.argv[1]
    # watchtower.CloudWatchLogHandler(log_group_name=group, create_log_group=True) becomes:
    schemalog.configure(
        service="jobs", sinks=[f"cloudwatch:{group}?stream=worker-1&create_group=true"]
    )
    schemalog.get_logger("jobs").info("cache_refresh", model_count=5)
    logging.getLogger("jobs.legacy").warning("still a plain stdlib call")
    schemalog.shutdown()  # delivers what is queued, as watchtower's flush() and close() did
