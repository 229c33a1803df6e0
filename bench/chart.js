/** Throughput and latency of case events against concurrency, drawn with vega-lite to SVG in node. */

async function chart(results) {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const values = results.caseEvents.flatMap((r) => [
    { clients: r.clients, metric: 'writes/s', value: r.writesPerSec },
    { clients: r.clients, metric: 'p50 ms', value: r.latencyMs.p50 },
    { clients: r.clients, metric: 'p99 ms', value: r.latencyMs.p99 },
  ]);
  values.push({ clients: 32, metric: 'pgbench tps (32)', value: results.pgbench.tps });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `makebuy bench ${results.at.slice(0, 16)}Z: P1 case events against concurrency, P3 reads, P2 storm`,
    data: { values },
    hconcat: [
      {
        title: 'throughput',
        width: 300,
        height: 220,
        transform: [{ filter: "datum.metric === 'writes/s' || datum.metric === 'pgbench tps (32)'" }],
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'clients', type: 'quantitative', scale: { type: 'log', base: 2 } },
          y: { field: 'value', type: 'quantitative', title: 'per second', scale: { type: 'log' } },
          color: { field: 'metric', type: 'nominal' },
        },
      },
      {
        title: 'latency',
        width: 300,
        height: 220,
        transform: [{ filter: "datum.metric === 'p50 ms' || datum.metric === 'p99 ms'" }],
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'clients', type: 'quantitative', scale: { type: 'log', base: 2 } },
          y: { field: 'value', type: 'quantitative', title: 'ms', scale: { type: 'log' } },
          color: { field: 'metric', type: 'nominal' },
        },
      },
    ],
  };
  // P3 read latency per endpoint, and the P2 storm against the raw BullMQ drain
  const reads = Object.entries(results.p3 ?? {}).flatMap(([endpoint, r]) => [
    { endpoint, metric: 'p50 ms', value: r.latencyMs.p50 },
    { endpoint, metric: 'p99 ms', value: r.latencyMs.p99 },
  ]);
  const storm = [];
  if (results.storm && results.bullmq) {
    storm.push({ what: `raw BullMQ drain of ${results.bullmq.jobs}`, ms: results.bullmq.drainMs });
    storm.push({
      what: `${results.storm.fired}/${results.storm.deadlines} closes applied`,
      ms: results.storm.firstDueToLastAppliedMs,
    });
    if (results.scaleOut)
      storm.push({
        what: `2 workers: ${results.scaleOut.storm.fired}/${results.scaleOut.storm.deadlines} applied`,
        ms: results.scaleOut.storm.firstDueToLastAppliedMs,
      });
  }
  if (reads.length)
    spec.hconcat.push({
      title: `P3 reads, 16 clients, ${results.p3Seed?.cases ?? ''} cases`,
      width: 260,
      height: 220,
      data: { values: reads },
      mark: 'bar',
      encoding: {
        y: { field: 'endpoint', type: 'nominal', title: null, axis: { labelLimit: 400 } },
        x: { field: 'value', type: 'quantitative', title: 'ms', scale: { type: 'log' } },
        yOffset: { field: 'metric' },
        color: { field: 'metric', type: 'nominal' },
      },
    });
  if (storm.length)
    spec.hconcat.push({
      title: 'P2 storm: first due to last applied',
      width: 220,
      height: 220,
      data: { values: storm },
      mark: 'bar',
      encoding: {
        y: { field: 'what', type: 'nominal', title: null, axis: { labelLimit: 400 } },
        x: { field: 'ms', type: 'quantitative', title: 'ms', scale: { type: 'log' } },
      },
    });
  spec.resolve = { scale: { color: 'independent' } };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
module.exports = { chart };
