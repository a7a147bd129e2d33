// Prometheus remote write 1.0 on the wire: a WriteRequest protobuf, snappy-compressed (block
// format). This module wraps the two libraries that do it: protobufjs (the reference protobuf
// implementation for JavaScript) with the WriteRequest messages declared here, and snappyjs
// (snappy in plain JavaScript: no native binary to build or fetch on any platform a pod runs).
import protobuf from 'protobufjs';
import { compress, uncompress } from 'snappyjs';

/** One series at one instant: its labels (`__name__` among them) and value. */
export interface SeriesSample {
  labels: Record<string, string>;
  value: number;
  timestampMs: number;
}

// prometheus/prompb/remote.proto and types.proto, the parts remote write 1.0 sends.
const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message MetricMetadata { int32 type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
`;
const writeRequest = protobuf.parse(PROTO).root.lookupType('prometheus.WriteRequest');

/** The body of one remote-write POST: labels sorted by name, as the protocol asks. */
export function encodeWriteRequest(samples: readonly SeriesSample[]): Buffer {
  const timeseries = samples.map((sample) => ({
    labels: Object.keys(sample.labels)
      .sort()
      .map((name) => ({ name, value: sample.labels[name]! })),
    samples: [{ value: sample.value, timestamp: sample.timestampMs }],
  }));
  // Plain objects of the messages' shape encode as they are (create() would copy every one first).
  const bytes = writeRequest.encode({ timeseries }).finish();
  return Buffer.from(compress(bytes));
}

/** A remote-write body read back (for tests and for a receiver in the bench). */
export function decodeWriteRequest(body: Buffer): SeriesSample[] {
  const decoded = writeRequest.toObject(writeRequest.decode(uncompress(body)), { longs: Number, defaults: true }) as {
    timeseries?: { labels?: { name: string; value: string }[]; samples?: { value: number; timestamp: number }[] }[];
  };
  return (decoded.timeseries ?? []).flatMap((series) =>
    (series.samples ?? []).map((sample) => ({
      labels: Object.fromEntries((series.labels ?? []).map((label) => [label.name, label.value])),
      value: sample.value,
      timestampMs: sample.timestamp,
    })),
  );
}
