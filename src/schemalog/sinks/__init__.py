"""Sinks: stdlib Handlers that write schemalog lines.

| sink string | handler |
|---|---|
| ``stdout``, ``stderr`` | :class:`schemalog.sinks.stream.StreamSink` |
| ``file:PATH[?option=value&...]`` | :class:`schemalog.sinks.file.FileSink` (rotation, logrotate) |
| ``cloudwatch:GROUP[/STREAM][?options]`` | ``schemalog.sinks.cloudwatch.CloudWatchLogsHandler`` |

Sink strings are resolved by ``schemalog._core.sinkspec``; a package adds a scheme with
``register_sink_scheme`` or the ``schemalog.sinks`` entry-point group.
"""
