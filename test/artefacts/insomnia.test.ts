/**
 * insomnia_routes.json is an Insomnia v4 export holding every route of the
 * API. These tests check its shape, that it covers every route the README
 * lists (plus /metrics), and then execute it against a real server: each
 * request as written in the file, `{{ _.var }}` rendered from the file's base
 * environment, chained the way a person using Insomnia would chain them (the
 * job id from Location, the iteration id from Pull-Next), each answering the
 * status its description documents.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomIspb } from '../support/factories';
import { startTestServer, type TestServer } from '../support/server';

const root = path.resolve(__dirname, '../..');

interface Resource {
  _id: string;
  _type: string;
  parentId: string | null;
  name: string;
  [key: string]: unknown;
}

interface InsomniaRequest extends Resource {
  _type: 'request';
  method: string;
  url: string;
  headers: { name: string; value: string; disabled?: boolean }[];
  body: { mimeType?: string; text?: string };
  description: string;
}

const exported = JSON.parse(readFileSync(path.join(root, 'insomnia_routes.json'), 'utf8'));
const resources: Resource[] = exported.resources ?? [];
const ofType = <T extends Resource = Resource>(type: string) => resources.filter((r) => r._type === type) as T[];
const requests = ofType<InsomniaRequest>('request');
const requestById = (id: string) => {
  const found = requests.find((r) => r._id === id);
  if (!found) throw new Error(`insomnia_routes.json has no request ${id}`);
  return found;
};

// --- the routes the file must hold ------------------------------------------

type Route = { method: string; path: string }; // path as a template: /api/pix/{ispb}/stream/start
const routeKey = (route: Route) => `${route.method} ${route.path}`;

/** The README's route table (as of writing), plus GET /metrics from the spec. */
const KNOWN_ROUTES: Route[] = [
  { method: 'POST', path: '/api/util/msgs/{ispb}/{number}' },
  { method: 'GET', path: '/api/util/jobs/{id}' },
  { method: 'GET', path: '/api/pix/{ispb}/stream/start' },
  { method: 'GET', path: '/api/pix/{ispb}/stream/{iterationId}' },
  { method: 'DELETE', path: '/api/pix/{ispb}/stream/{iterationId}' },
  { method: 'GET', path: '/api/pix/{ispb}/stream/stop' },
  { method: 'DELETE', path: '/api/pix/{ispb}/stream/stop' },
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/ready' },
  { method: 'GET', path: '/metrics' },
];

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * (method, path) pairs of the first column of the README's "## Routes" table,
 * read now so a route added there later must be added to the file too.
 * Understands `POST /a/{b}`, `GET` or `DELETE /a/stop`, and `GET /x`, `GET /y`.
 */
function readmeRoutes(): Route[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => /^Routes\b/.test(s)) ?? '';
  const routes: Route[] = [];
  for (const line of section.split(/\r?\n/).filter((l) => l.startsWith('|'))) {
    const firstCell = line.split('|')[1] ?? '';
    let methods: string[] = [];
    for (const [, span] of firstCell.matchAll(/`([^`]+)`/g)) {
      const words = span.trim().split(/\s+/);
      methods.push(...words.filter((w) => HTTP_METHODS.has(w)));
      const routePath = words.find((w) => w.startsWith('/'));
      if (routePath) {
        for (const method of methods) routes.push({ method, path: routePath });
        methods = [];
      }
    }
  }
  return routes;
}

/** The request's path with `{{ _.x }}` kept as placeholders and no query: `/api/pix/{{ _.ispb }}/stream/start`. */
const requestPath = (request: InsomniaRequest) => request.url.replace(/^\{\{\s*_\.base_url\s*\}\}/, '').replace(/\?.*$/, '');

/** A `{param}` of the route matches one path segment, literal or `{{ _.x }}`. */
function matches(route: Route, request: InsomniaRequest): boolean {
  if (route.method !== request.method) return false;
  const routeSegments = route.path.split('/');
  const requestSegments = requestPath(request).split('/');
  return (
    routeSegments.length === requestSegments.length &&
    routeSegments.every((segment, i) => /^\{\w+\}$/.test(segment) ? requestSegments[i] !== '' : segment === requestSegments[i])
  );
}

/** The route a request is for: of those it matches, the one with the fewest parameters (`/stream/stop` over `/stream/{iterationId}`). */
function routeOf(request: InsomniaRequest, routes: Route[]): Route | undefined {
  const params = (route: Route) => (route.path.match(/\{\w+\}/g) ?? []).length;
  return routes.filter((route) => matches(route, request)).sort((a, b) => params(a) - params(b))[0];
}

// --- structure -----------------------------------------------------------------

describe('insomnia_routes.json', () => {
  it('is an Insomnia v4 export', () => {
    expect(exported).toMatchObject({ _type: 'export', __export_format: 4, __export_source: expect.any(String) });
    expect(Array.isArray(exported.resources)).toBe(true);
  });

  it('has one workspace, a base environment with base_url and ispb, and folders under the workspace', () => {
    const workspaces = ofType('workspace');
    expect(workspaces).toHaveLength(1);
    const workspace = workspaces[0];
    expect(workspace._id).toMatch(/^wrk_/);

    const base = ofType('environment').filter((e) => e.parentId === workspace._id);
    expect(base).toHaveLength(1);
    expect(base[0]._id).toMatch(/^env_/);
    expect(base[0].data).toMatchObject({ base_url: 'http://localhost:3000', ispb: expect.stringMatching(/^\d{8}$/) });

    const folders = ofType('request_group');
    expect(folders.map((f) => f.name)).toEqual(expect.arrayContaining(['Generator', 'Stream', 'Jobs', 'Operations']));
    for (const folder of folders) {
      expect(folder._id).toMatch(/^fld_/);
      expect(folder.parentId).toBe(workspace._id);
    }
  });

  it('every request: unique req_ id in a folder, url on {{ _.base_url }}, headers, body, a description with status codes', () => {
    const folderIds = new Set(ofType('request_group').map((f) => f._id));
    const ids = resources.map((r) => r._id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      const where = `request ${request._id}`;
      expect({ where, id: request._id }).toEqual({ where, id: expect.stringMatching(/^req_/) });
      expect({ where, inFolder: folderIds.has(request.parentId!) }).toEqual({ where, inFolder: true });
      expect({ where, name: request.name }).toEqual({ where, name: expect.stringMatching(/\S/) });
      expect({ where, method: HTTP_METHODS.has(request.method) }).toEqual({ where, method: true });
      expect({ where, url: request.url }).toEqual({ where, url: expect.stringMatching(/^\{\{ _\.base_url \}\}\//) });
      expect({ where, headers: Array.isArray(request.headers) }).toEqual({ where, headers: true });
      for (const header of request.headers) expect(header).toEqual(expect.objectContaining({ name: expect.any(String), value: expect.any(String) }));
      expect({ where, body: typeof request.body }).toEqual({ where, body: 'object' });
      if (Object.keys(request.body).length > 0) expect(request.body).toEqual({ mimeType: expect.any(String), text: expect.any(String) });
      expect({ where, description: request.description }).toEqual({ where, description: expect.stringMatching(/\b[1-5]\d\d\b/) });
    }
  });

  it('every variable a request uses is defined in the base environment', () => {
    const data = ofType('environment')[0].data as Record<string, string>;
    for (const request of requests) {
      for (const text of [request.url, ...request.headers.map((h) => h.value), request.body.text ?? '']) {
        for (const [, name] of text.matchAll(/\{\{\s*_\.(\w+)\s*\}\}/g)) expect({ request: request._id, name, defined: name in data }).toEqual({ request: request._id, name, defined: true });
      }
    }
  });

  it("holds every route of the README's route table, plus GET /metrics", () => {
    const fromReadme = readmeRoutes();
    // The README parser still understands the table (it lists at least these nine today).
    expect(fromReadme.map(routeKey)).toEqual(expect.arrayContaining(KNOWN_ROUTES.filter((r) => r.path !== '/metrics').map(routeKey)));
    const routes = [...new Map([...KNOWN_ROUTES, ...fromReadme].map((r) => [routeKey(r), r])).values()];
    const covered = new Set(requests.map((request) => routeOf(request, routes)).filter(Boolean).map((r) => routeKey(r!)));
    expect(routes.map(routeKey).filter((key) => !covered.has(key))).toEqual([]);
    // ...and nothing that is not a route.
    expect(requests.filter((request) => !routeOf(request, routes)).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });
});

// --- execution -------------------------------------------------------------------

/** `{{ _.name }}` from the variables; an unknown one is an error, not an empty string. */
function render(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*_\.(\w+)\s*\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`no value for {{ _.${name} }}`);
    return vars[name];
  });
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function send(request: InsomniaRequest, vars: Record<string, string>): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const header of request.headers.filter((h) => !h.disabled)) headers[render(header.name, vars)] = render(header.value, vars);
  let body: string | undefined;
  if (request.body.text !== undefined) {
    body = render(request.body.text, vars);
    if (request.body.mimeType) headers['Content-Type'] ??= request.body.mimeType;
  }
  const res = await fetch(render(request.url, vars), { method: request.method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if (/json/.test(res.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed, text };
}

const lastSegment = (uri: string | null) => {
  if (!uri) throw new Error('expected a URI header');
  return uri.split('/').pop()!;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('insomnia_routes.json, executed', () => {
  let server: TestServer;
  beforeAll(async () => {
    // GENERATE_SYNC_MAX below the file's 150000 (as the default 100000 is) so that request is the async one;
    // JOBS on so its job runs here and is finished before this server stops.
    server = await startTestServer({ JOBS: 'on', GENERATE_SYNC_MAX: '1000', LONG_POLL_TIMEOUT_MS: '2000' });
  });
  afterAll(() => server?.stop());

  it('every request answers its documented status, chained as in Insomnia', async () => {
    const environment = ofType('environment')[0].data as Record<string, string>;
    const vars: Record<string, string> = { ...environment, base_url: server.url, ispb: randomIspb() };

    /** Sends a request of the file; checks the status is one it documents and one expected here. */
    const step = async (id: string, expected: number[]): Promise<Answer> => {
      const request = requestById(id);
      for (const status of expected) {
        if (!request.description.includes(String(status))) throw new Error(`${id}: its description does not mention ${status}`);
      }
      const answer = await send(request, vars);
      if (!expected.includes(answer.status)) {
        throw new Error(`${id} (${request.method} ${render(request.url, vars)}) answered ${answer.status}, expected ${expected.join(' or ')}: ${answer.text.slice(0, 300)}`);
      }
      return answer;
    };
    const pullNextOf = (answer: Answer) => {
      vars.iteration_id = lastSegment(answer.headers.get('pull-next'));
    };

    const generated = await step('req_generate_sync', [201]);
    expect(generated.body).toEqual({ ispb: vars.ispb, created: 25 });

    const multipart = await step('req_stream_start_multipart', [200]);
    expect(multipart.headers.get('content-type')).toMatch(/^multipart\/json/);
    expect(multipart.body).toHaveLength(10);
    pullNextOf(multipart);

    const next = await step('req_stream_continue', [200, 204]);
    expect(next.status).toBe(200); // 15 were still pending
    expect(next.body).toHaveLength(10);
    pullNextOf(next);

    expect((await step('req_stream_close', [200])).body).toEqual({ ispb: vars.ispb, closed: true });

    const single = await step('req_stream_start_single', [200]);
    expect(single.headers.get('content-type')).toMatch(/^application\/json/);
    expect(single.body).toMatchObject({ endToEndId: expect.any(String), recebedor: { ispb: vars.ispb } });
    pullNextOf(single);

    const inspected = await step('req_ispb_inspect', [200]);
    expect(inspected.body).toMatchObject({ ispb: vars.ispb, messages: { pending: 4, inFlight: 1, acknowledged: 20 }, streams: { open: 1 } });

    expect((await step('req_stream_stop_get', [200])).body).toEqual({ ispb: vars.ispb, closed: 1 });
    expect((await step('req_stream_stop_delete', [200])).body).toEqual({ ispb: vars.ispb, closed: 0 });

    // The ICOM folder, on the same ISPB: the 5 messages stop released are pending.
    const icomStart = await step('req_icom_start_multipart', [200]);
    expect(icomStart.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=/);
    vars.icom_iteration_id = lastSegment(icomStart.headers.get('pi-pull-next'));
    expect(icomStart.text.match(/<EndToEndId>/g)).toHaveLength(5);
    const icomNext = await step('req_icom_continue', [200, 204]);
    expect(icomNext.status).toBe(204);
    vars.icom_iteration_id = lastSegment(icomNext.headers.get('pi-pull-next'));
    expect((await step('req_icom_close', [200])).text).toBe('');
    const icomSingle = await step('req_icom_start_single', [204]);
    expect(icomSingle.headers.get('pi-pull-next')).toMatch(/^\/api\/v1\/out\/\d{8}\/stream\//);
    vars.icom_iteration_id = lastSegment(icomSingle.headers.get('pi-pull-next'));
    expect((await step('req_icom_close', [200])).status).toBe(200);
    vars.receiver_ispb = randomIspb();
    const sent = await step('req_icom_send', [201]);
    expect(sent.headers.get('pi-resourceid')).toMatch(/^[A-Za-z0-9+/]{32}$/);
    const resent = await step('req_icom_send', [201]); // a sender's retry: same id, nothing new stored
    expect(resent.headers.get('pi-resourceid')).toBe(sent.headers.get('pi-resourceid'));
    expect((await step('req_icom_catalog_in', [200])).text).toContain('<Message>pacs.008.spi.1.16</Message>');
    expect((await step('req_icom_catalog_out', [200])).text).toContain('<Message>admi.002.spi.1.5</Message>');

    // The SPI folder: the credit transfer above opened the sender's reserve account.
    vars.statement_day = new Date().toISOString().slice(0, 10);
    expect((await step('req_account_get', [200])).body).toMatchObject({ ispb: vars.ispb, balance: expect.stringMatching(/^\d+\.\d\d$/) });
    expect((await step('req_account_set', [200])).body).toMatchObject({ ispb: vars.ispb, balance: '2500.00' });
    const statement = await step('req_account_entries', [200]);
    expect(statement.body).toMatchObject({ ispb: vars.ispb, from: vars.statement_day, entries: [{ kind: 'opening' }, { kind: 'adjustment', balanceAfter: '2500.00' }] });

    // The virtual participants' folder: a profile, a payment run to follow, the end of it.
    expect((await step('req_virtual_put', [201])).body).toMatchObject({ ispb: vars.virtual_ispb, profile: { answer: 'ACSP', delay: { p50Ms: 300, p95Ms: 1200 } } });
    expect((await step('req_virtual_get', [200])).body).toMatchObject({ ispb: vars.virtual_ispb });
    const run = await step('req_virtual_pay', [202]);
    vars.payment_run_id = lastSegment(run.headers.get('location'));
    expect((await step('req_virtual_run', [200])).body).toMatchObject({ id: vars.payment_run_id, to: vars.ispb, count: 5 });
    expect((await step('req_virtual_delete', [204])).status).toBe(204);
    expect((await step('req_virtual_run', [200])).body).toMatchObject({ state: 'stopped' });

    // The faults' folder, on an ISPB of its own.
    vars.fault_ispb = randomIspb();
    expect((await step('req_faults_put', [201])).body).toMatchObject({ ispb: vars.fault_ispb, faults: { latencyMs: 50, lateAb03S: 120, throttle: { burst: 3 } }, injected: {} });
    expect((await step('req_faults_get', [200])).body).toMatchObject({ ispb: vars.fault_ispb, faults: { resetShare: 0.01 } });
    expect((await step('req_faults_delete', [204])).status).toBe(204);

    // The rehearsals' folder: one started on an ISPB of its own, followed, reported on, stopped.
    vars.rehearsal_ispb = randomIspb();
    const rehearsal = await step('req_rehearsal_start', [202]);
    vars.rehearsal_id = lastSegment(rehearsal.headers.get('location'));
    expect(rehearsal.body).toMatchObject({ ispb: vars.rehearsal_ispb, perMinute: 1000, minutes: 10, state: 'running' });
    expect((await step('req_rehearsal_get', [200])).body).toMatchObject({ id: vars.rehearsal_id, criteria: expect.any(Array) });
    expect((await step('req_rehearsal_report', [200])).body).toMatchObject({ rehearsal: { id: vars.rehearsal_id }, series: expect.any(Array) });
    expect((await step('req_rehearsal_stop', [200])).body).toMatchObject({ id: vars.rehearsal_id, state: 'stopped' });

    const accepted = await step('req_generate_async', [202]);
    expect(accepted.headers.get('location')).toMatch(/^\/api\/util\/jobs\/[0-9a-f-]{36}$/);
    vars.job_id = lastSegment(accepted.headers.get('location'));

    const job = await step('req_job_status', [200]);
    expect(job.body).toMatchObject({ id: vars.job_id, ispb: vars.ispb, total: 150_000 });
    expect(['queued', 'running', 'completed']).toContain((job.body as { state: string }).state);

    const dashboard = await step('req_dashboard_data', [200]);
    expect(dashboard.body).toMatchObject({ collectorLimit: expect.any(Number), ispbs: expect.any(Array), jobs: expect.any(Array) });
    expect((await step('req_dashboard_page', [200])).text).toContain('/dashboard/assets/dashboard.js');

    expect((await step('req_health', [200])).status).toBe(200);
    expect((await step('req_ready', [200])).status).toBe(200);
    const metrics = await step('req_metrics', [200]);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);

    // Let the job finish so no half-done job is left in the suite's shared queue for another test's server to resume.
    let state = (job.body as { state: string }).state;
    for (const deadline = Date.now() + 120_000; state !== 'completed' && Date.now() < deadline; ) {
      await sleep(250);
      const polled = await step('req_job_status', [200]);
      state = (polled.body as { state: string }).state;
      expect(['queued', 'running', 'completed']).toContain(state);
    }
    expect(state).toBe('completed');
  }, 150_000);
});
