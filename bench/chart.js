/** Throughput and latency of case events against concurrency, drawn with vega-lite to SVG in node. */

async function chart(results) {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const values = results.caseEvents.flatMap((r) => [
    { clients: r.clients, metric: 'writes/s', value: r.writesPerSec },
    { clients: r.clients, metric: 'p50 ms', value: r.latencyMs.p50 },
    { clients: r.clients, metric: 'p99 ms', value: r.latencyMs.p99 },
  ]);
  values.push({ clients: 32, metric: 'pgbench tps (32 clients)', value: results.pgbench.tps });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Case events against concurrency (${results.at.slice(0, 10)}, loaded 2-core machine)`,
    data: { values },
    hconcat: [
      {
        title: 'throughput',
        width: 300,
        height: 220,
        transform: [{ filter: "datum.metric === 'writes/s' || datum.metric === 'pgbench tps (32 clients)'" }],
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
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
module.exports = { chart };
