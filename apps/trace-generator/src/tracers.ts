// One TracerProvider per synthetic service: each has its own resource (service.name plus the scenario's
// resource attributes plus OTEL_RESOURCE_ATTRIBUTES), so Jaeger lists every service separately. They all
// feed the same span processor, so one exporter and one set of counters see everything.
import type { Tracer } from "@opentelemetry/api";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOnSampler, TracerProvider } from "@opentelemetry/sdk-trace";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import type { SeededIdGenerator } from "./rng.ts";
import type { Scenario, ScenarioService } from "./scenario/load.ts";

export const TRACER_NAME = "@otel-e2r/trace-generator";

export interface ResourceSettings {
  /** OTEL_RESOURCE_ATTRIBUTES, already parsed: put on every service's resource. */
  readonly attributes: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME: names the service marked `self: true` (the generator's own spans). */
  readonly serviceName: string | undefined;
}

export interface ServiceTracers {
  readonly tracerFor: (service: ScenarioService) => Tracer;
  readonly serviceNames: readonly string[];
}

export function serviceNameOf(service: ScenarioService, settings: ResourceSettings): string {
  return service.self ? (settings.serviceName ?? service.name) : service.name;
}

export function createServiceTracers(
  scenario: Scenario,
  settings: ResourceSettings,
  processor: SpanProcessor,
  idGenerator: SeededIdGenerator,
): ServiceTracers {
  const tracers = new Map<ScenarioService, Tracer>();
  for (const service of scenario.services) {
    const resource = defaultResource().merge(
      resourceFromAttributes({
        ...settings.attributes,
        ...service.resource,
        "service.name": serviceNameOf(service, settings),
      }),
    );
    // Always sample: the generator's whole point is to send what it makes (OTEL_TRACES_SAMPLER does not apply).
    const provider = new TracerProvider({
      resource,
      idGenerator,
      sampler: new AlwaysOnSampler(),
      spanProcessors: [processor],
    });
    tracers.set(service, provider.getTracer(TRACER_NAME));
  }
  return {
    tracerFor: (service) => tracers.get(service) as Tracer,
    serviceNames: scenario.services.map((s) => serviceNameOf(s, settings)),
  };
}
