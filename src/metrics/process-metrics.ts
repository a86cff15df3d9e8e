// Process-wide metrics: CPU, memory, heap, file descriptors, garbage collection and event-loop lag
// (prom-client's default set). They describe the process, not an application instance, and their
// collectors (an event-loop delay histogram, a GC observer) cannot be stopped once started, so
// they live in one registry per process, created on first use, and every app's `/metrics` output
// includes it. Per-app metrics stay in each app's own registry (two apps in one test process
// never share counters).
import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

export function processMetricsRegistry(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 10 });
  }
  return processRegistry;
}
