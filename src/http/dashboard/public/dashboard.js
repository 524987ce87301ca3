// The dashboard page: polls GET /api/util/dashboard every 2 s and redraws the
// tables and the two uPlot charts. Plain script, no build step.
'use strict';
(() => {
  const POLL_MS = 2000;
  const MAX_LINES = 8; // lines per chart; more would be unreadable
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const pinned = new URLSearchParams(location.search).get('ispb');
  const apiUrl = '/api/util/dashboard' + (pinned ? '?ispb=' + encodeURIComponent(pinned) : '');
  const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  const charts = {};

  function el(tag, props, children) {
    const { dataset, ...rest } = props || {};
    const node = Object.assign(document.createElement(tag), rest);
    Object.assign(node.dataset, dataset);
    node.append(...(children || []));
    return node;
  }

  const last = (values) => values[values.length - 1];

  /** A cell carrying its raw number in data-value (what the tests read). */
  function numberCell(field, value, suffix) {
    if (value === null || value === undefined) return el('td', { className: 'none', dataset: { field } }, ['–']);
    return el('td', { dataset: { field, value: String(value) } }, [number.format(value) + (suffix || '')]);
  }

  function renderIspbs(data) {
    const rows = data.ispbs.map((row) =>
      el('tr', { dataset: { ispb: row.ispb } }, [
        el('td', {}, [row.ispb]),
        numberCell('pending', row.messages.pending),
        numberCell('inFlight', row.messages.inFlight),
        numberCell('acknowledged', row.messages.acknowledged),
        el('td', { dataset: { field: 'streams', value: String(row.streams.open) } }, [
          el('meter', { min: 0, max: row.streams.limit, value: row.streams.open, title: 'open streams against MAX_COLLECTORS_PER_ISPB' }),
          `${row.streams.open} / ${row.streams.limit}`,
        ]),
        numberCell('perSecond', last(row.deliveries.perSecond)),
        numberCell('latency', last(row.deliveries.latencyP50Ms), ' ms'),
      ]),
    );
    if (rows.length === 0) rows.push(el('tr', {}, [el('td', { colSpan: 7, className: 'none' }, ['no messages yet'])]));
    document.querySelector('#ispbs tbody').replaceChildren(...rows);
  }

  function renderSpi(data) {
    const { windowSeconds, participants } = data.spi;
    const rows = participants.map((row) => {
      const codes = Object.entries(row.rejections).sort((a, b) => b[1] - a[1]);
      return el('tr', { dataset: { ispb: row.ispb } }, [
        el('td', {}, [row.ispb]),
        el('td', { className: 'money', dataset: { field: 'balance', value: row.balance ?? '' } }, [row.balance ?? '–']),
        numberCell('settledPerSecond', row.settledPerSecond),
        numberCell('settled', row.settled),
        el('td', { dataset: { field: 'rejections', value: codes.map(([code, n]) => `${code}=${n}`).join(' ') } }, [
          codes.length === 0 ? '–' : codes.map(([code, n]) => `${code} ${number.format(n)}`).join(', '),
        ]),
        numberCell('ab03', row.ab03),
        numberCell('latencyP50', row.latencyP50Ms, ' ms'),
        numberCell('latencyP95', row.latencyP95Ms, ' ms'),
      ]);
    });
    if (rows.length === 0) rows.push(el('tr', {}, [el('td', { colSpan: 8, className: 'none' }, ['no reserve account yet'])]));
    document.querySelector('#spi tbody').replaceChildren(...rows);
    document.getElementById('spi-window').textContent = String(windowSeconds);
  }

  const FAULTS = ['throttle', 'unavailable', 'latency', 'reset', 'redelivery', 'lateAb03'];

  function renderFaults(data) {
    const rows = data.faults.map((row) =>
      el('tr', { dataset: { ispb: row.ispb } }, [
        el('td', {}, [row.ispb]),
        el('td', { dataset: { field: 'on' } }, [row.on ? 'on' : 'off']),
        ...FAULTS.map((fault) => numberCell(fault, row.injected[fault] ?? 0)),
      ]),
    );
    if (rows.length === 0) rows.push(el('tr', {}, [el('td', { colSpan: 8, className: 'none' }, ['no faults asked for'])]));
    document.querySelector('#faults tbody').replaceChildren(...rows);
  }

  function renderRehearsals(data) {
    const rows = data.rehearsals.map((r) =>
      el('tr', { dataset: { rehearsal: r.id, ispb: r.ispb } }, [
        el('td', { title: r.id }, [r.ispb]),
        el('td', {}, [`${number.format(r.perMinute)}/min × ${r.minutes} min`]),
        el('td', { dataset: { field: 'state', value: r.state } }, [r.state]),
        el('td', { dataset: { field: 'sent', value: String(r.sent) } }, [`${number.format(r.sent)} of ${number.format(r.total)}`]),
        el('td', {}, [new Date(r.endsAt).toLocaleTimeString()]),
      ]),
    );
    if (rows.length === 0) rows.push(el('tr', {}, [el('td', { colSpan: 5, className: 'none' }, ['no rehearsal lately'])]));
    document.querySelector('#rehearsals tbody').replaceChildren(...rows);
  }

  function renderJobs(data) {
    const rows = data.jobs.map((job) =>
      el('tr', { dataset: { job: job.id } }, [
        el('td', { title: job.id }, [job.id.slice(0, 8)]),
        el('td', {}, [job.ispb]),
        el('td', { title: job.error || '' }, [job.state]),
        el('td', {}, [el('progress', { max: job.total, value: job.created }), `${number.format(job.created)} / ${number.format(job.total)}`]),
        el('td', {}, [new Date(job.updatedAt).toLocaleTimeString()]),
      ]),
    );
    if (rows.length === 0) rows.push(el('tr', {}, [el('td', { colSpan: 5, className: 'none' }, ['no generation job in the last 5 minutes'])]));
    document.querySelector('#jobs tbody').replaceChildren(...rows);
  }

  /** One line per ISPB that delivered something in the window; the chart is rebuilt only when its lines change. */
  function renderChart(id, data, seriesOf) {
    const lines = data.ispbs.filter((row) => row.deliveries.perSecond.some((v) => v > 0)).slice(0, MAX_LINES);
    const labels = lines.map((row) => row.ispb).join();
    const values = [data.buckets, ...lines.map(seriesOf)];
    const container = document.getElementById(id);
    const chart = charts[id];
    if (chart && chart.labels === labels) return chart.plot.setData(values);
    if (chart) chart.plot.destroy();
    const options = {
      width: container.clientWidth || 480,
      height: 220,
      scales: { x: { time: true } },
      axes: [{}, { size: 80 }], // room for '250,000' (ms)
      series: [{}, ...lines.map((row, i) => ({ label: row.ispb, stroke: COLORS[i % COLORS.length], width: 2 }))],
    };
    charts[id] = { labels, plot: new uPlot(options, values, container) };
  }

  function setStatus(text, isError) {
    const status = document.getElementById('status');
    status.textContent = text;
    status.className = isError ? 'error' : '';
  }

  async function poll() {
    try {
      const res = await fetch(apiUrl, { cache: 'no-store' });
      const data = await res.json();
      if (!res.ok) throw new Error(data.detail || `HTTP ${res.status}`);
      renderIspbs(data);
      renderSpi(data);
      renderFaults(data);
      renderRehearsals(data);
      renderJobs(data);
      renderChart('rate-chart', data, (row) => row.deliveries.perSecond);
      renderChart('latency-chart', data, (row) => row.deliveries.latencyP50Ms);
      setStatus(`as of ${new Date(data.generatedAt).toLocaleTimeString()} · refreshed every ${POLL_MS / 1000} s`, false);
    } catch (err) {
      setStatus(`no answer (${err.message}); retrying`, true);
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
