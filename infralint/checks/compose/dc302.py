"""DC302 logs-to-volume: A writable volume at /var/log or a *.log path keeps logs out of stdout."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument, Service
from infralint.parsers.compose_values import normalize_path, service_image, service_mounts
from infralint.registry import CheckContext, check


def _is_log_path(path: str) -> bool:
    normalized = normalize_path(path)
    return (
        normalized == "/var/log"
        or normalized.startswith("/var/log/")
        or re.search(r"\.log(?:\.\d+)?$", normalized) is not None
    )


# Log shippers and collectors: a log file mounted into one is what it reads, not where it writes.
# Matched against the last segment of the image's repository (`grafana/promtail`,
# `docker.elastic.co/logstash/logstash`, `otel/opentelemetry-collector-contrib`).
_LOG_READER_IMAGE = re.compile(
    r"(?:logstash(?:-oss)?|fluentd|fluent-bit|td-agent(?:-bit)?|promtail|alloy|filebeat"
    r"|vector|opentelemetry-collector(?:-contrib|-k8s)?|otelcol(?:-contrib)?|splunk-otel-collector"
    r"|universalforwarder|agent|datadog-agent|logspout|rsyslog|syslog-ng|nxlog(?:-ce)?"
    r"|graylog-sidecar|telegraf|logrotate)",
)
# `agent` alone is too generic a name: only with a vendor that makes log agents.
_GENERIC_AGENT_OWNERS = ("datadog", "gcr.io/datadoghq", "public.ecr.aws/datadog")


def _reads_logs(document: ComposeDocument, service: Service) -> bool:
    image = service_image(document, service)
    if image is None or image.ref is None:
        return False
    owner, _, last = image.ref.name.lower().rpartition("/")
    if _LOG_READER_IMAGE.fullmatch(last) is None:
        return False
    return last != "agent" or owner.endswith(_GENERIC_AGENT_OWNERS)


@check("DC302")
@once_per_position
def logs_to_volume(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        mounts = service_mounts(document, service)
        if not mounts or _reads_logs(document, service):
            continue
        for mount in mounts:
            writable = mount.type in ("bind", "volume") and not mount.read_only
            if writable and _is_log_path(mount.target):
                yield Violation(
                    mount.span,
                    f"service '{service.name}' writes logs to a volume at '{mount.target}'"
                    + via_key(service, "volumes"),
                )
