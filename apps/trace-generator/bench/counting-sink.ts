// The benchmark's sink: a real OTLP/gRPC endpoint (grpc-js, HTTP/2 on loopback) that answers every
// TraceService/Export and counts spans WITHOUT decoding them. The test receiver (packages/testkit/src/otlp-receiver.ts)
// decodes every span into JS objects, and the built collector has no discarding exporter, so either would
// measure the sink instead of the generators. Counting walks only the protobuf framing
// (ExportTraceServiceRequest.resource_spans[1] → ResourceSpans.scope_spans[2] → ScopeSpans.spans[2]),
// skipping each span's bytes. Run as a child process (IPC): it prints nothing, it answers {cmd:"stats"}.
import * as grpc from "@grpc/grpc-js";

const EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/** Calls `onField(field, start, end)` for every length-delimited field of the message in buf[start, end). */
function forEachLengthDelimited(
  buf: Buffer,
  start: number,
  end: number,
  onField: (field: number, s: number, e: number) => void,
): void {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[pos++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (pos < end) {
    const tag = varint();
    switch (tag & 7) {
      case 0:
        varint();
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const length = varint();
        onField(Math.floor(tag / 8), pos, pos + length);
        pos += length;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${tag & 7}`);
    }
  }
}

export function countSpans(request: Buffer): number {
  let spans = 0;
  forEachLengthDelimited(request, 0, request.length, (f1, s1, e1) => {
    if (f1 !== 1) return;
    forEachLengthDelimited(request, s1, e1, (f2, s2, e2) => {
      if (f2 !== 2) return;
      forEachLengthDelimited(request, s2, e2, (f3) => {
        if (f3 === 2) spans++;
      });
    });
  });
  return spans;
}

const raw = (b: Buffer): Buffer => b;
const EMPTY_RESPONSE = Buffer.alloc(0); // an empty ExportTraceServiceResponse: full success

if (process.send !== undefined) {
  let spans = 0;
  let requests = 0;
  const server = new grpc.Server();
  server.addService(
    {
      Export: {
        path: EXPORT_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        spans += countSpans(call.request);
        requests++;
        callback(null, EMPTY_RESPONSE);
      },
    },
  );
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.send?.({ ready: true, port });
  });
  process.on("message", (message: { cmd: string }) => {
    if (message.cmd === "stats") {
      const cpu = process.cpuUsage();
      process.send?.({ spans, requests, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
  });
  process.on("disconnect", () => process.exit(0));
}
