/**
 * The Dockerfile, .dockerignore and docker-compose.yml, checked without a
 * Docker daemon: the compose file through the `yaml` parser, the Dockerfile
 * through the small parser below. What is checked is what would otherwise
 * only show up on `docker compose up`: a root or dev-dependency runtime image,
 * a healthcheck that asks the wrong thing, an API that starts before its
 * database or with a setting the app does not know, a Prometheus or Grafana
 * pointed at a service, port or folder that is not there.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

// --- a tiny Dockerfile parser -------------------------------------------------

interface Instruction {
  keyword: string; // upper case: FROM, RUN, COPY, ...
  args: string; // the rest, continuation lines joined with a space
  line: number; // 1-based line where it starts
}

interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions in order; `\` continues a line, comment lines (also inside a continuation) are dropped. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) return; // comments and parser directives
    if (!pending) {
      if (trimmed === '') return;
      pending = { parts: [], line: index + 1 };
    }
    const continues = trimmed.endsWith('\\');
    pending.parts.push((continues ? trimmed.slice(0, -1) : trimmed).trim());
    if (continues) return;
    const joined = pending.parts.filter(Boolean).join(' ');
    const match = /^(\S+)\s*(.*)$/.exec(joined)!;
    instructions.push({ keyword: match[1].toUpperCase(), args: match[2], line: pending.line });
    pending = undefined;
  });
  if (pending) throw new Error(`Dockerfile ends inside a line continuation started at line ${pending.line}`);
  return instructions;
}

/** Splits on FROM: `FROM [--platform=..] image [AS name]`. Instructions before the first FROM may only be ARG. */
function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const as = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ image: words[0], name: as >= 0 ? words[as + 1] : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${instruction.keyword} before the first FROM (line ${instruction.line})`);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

/** `--flag=value` options at the start of COPY/HEALTHCHECK/RUN arguments, and what follows them. */
function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest); match; match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[match[1]] = match[2] ?? '';
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
}

/** CMD/ENTRYPOINT/HEALTHCHECK CMD arguments as argv: JSON exec form, or a shell-form string. */
function commandWords(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[];
  return ['/bin/sh', '-c', trimmed];
}

/** ENV KEY=value [KEY2=value2 ...] or the legacy ENV KEY value. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    if (!/^[\w.-]+=/.test(args)) {
      const [key, ...value] = args.split(/\s+/);
      env[key] = value.join(' ');
      continue;
    }
    for (const match of args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      env[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}

/** `COPY [--from=..] [--chown=..] src... dest` (shell form only, which is all this Dockerfile uses). */
function copiesOf(stage: Stage) {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => {
      const { flags, rest } = splitFlags(i.args);
      const words = rest.split(/\s+/).filter(Boolean);
      return { from: flags.from, chown: flags.chown, sources: words.slice(0, -1), dest: words[words.length - 1], line: i.line };
    });
}

const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => splitFlags(i.args).rest);
/** An npm command that would install devDependencies. */
const installsDevDependencies = (command: string) =>
  /\bnpm\s+(ci|install|i|add)\b/.test(command) && !/--omit[= ]dev\b|--production\b|--only[= ]prod/.test(command);
/** An npm command after which node_modules holds production dependencies only. */
const leavesProductionOnly = (command: string) =>
  /\bnpm\s+(ci|install|i|prune)\b[^&;|]*(--omit[= ]dev\b|--production\b|--only[= ]prod)/.test(command);

// --- the Dockerfile -----------------------------------------------------------

describe('Dockerfile', () => {
  const stages = stagesOf(parseDockerfile(read('Dockerfile')));
  const runtime = stages[stages.length - 1];
  const stageNamed = (ref: string) => stages.find((stage, index) => stage.name === ref || String(index) === ref);
  const build = stages.find((stage) => runs(stage).some((command) => /\bnpm run build\b/.test(command)));

  it('is multi-stage, every stage on an official Node 20 image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(/^node:20(\b|-)/);
  });

  it('compiles in a build stage that is not the runtime stage', () => {
    expect(build).toBeDefined();
    expect(build).not.toBe(runtime);
    expect(copiesOf(runtime).some((copy) => copy.from === build!.name && copy.sources.some((s) => /^\/app\/dist\/?$/.test(s)))).toBe(true);
  });

  it('runtime: NODE_ENV=production, a non-root USER, port 3000', () => {
    expect(envOf(runtime).NODE_ENV).toBe('production');
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args.trim().split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users[users.length - 1]);
    expect(runtime.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/))).toContain('3000');
  });

  it('runtime: every file copied in is owned by the runtime user', () => {
    const user = runtime.instructions.filter((i) => i.keyword === 'USER').pop()!.args.trim();
    for (const copy of copiesOf(runtime)) expect({ line: copy.line, chown: copy.chown }).toEqual({ line: copy.line, chown: `${user}:${user}` });
  });

  it('runtime: installs no devDependencies, and its node_modules come from a production-only install', () => {
    for (const command of runs(runtime)) expect(installsDevDependencies(command)).toBe(false);
    const nodeModules = copiesOf(runtime).filter((copy) => copy.sources.some((s) => /node_modules\/?$/.test(s)));
    expect(nodeModules).toHaveLength(1);
    const source = stageNamed(nodeModules[0].from!);
    expect(source).toBeDefined();
    // The last npm command that shaped that stage's node_modules must leave production dependencies only.
    const npmCommands = runs(source!).filter((command) => /\bnpm\s+(ci|install|i|add|prune)\b/.test(command));
    expect(leavesProductionOnly(npmCommands[npmCommands.length - 1] ?? '')).toBe(true);
  });

  it('runtime: has package.json (the app finds its root by it) and the migrations it applies at start', () => {
    const copied = copiesOf(runtime).flatMap((copy) => copy.sources.map((s) => s.replace(/^\/app\//, '').replace(/\/$/, '')));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'migrations', 'node_modules', 'dist']));
  });

  it('runtime: HEALTHCHECK requests /ready, with explicit timings', () => {
    const healthchecks = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    const { flags, rest } = splitFlags(healthchecks[0].args);
    expect(Object.keys(flags)).toEqual(expect.arrayContaining(['interval', 'timeout', 'start-period', 'retries']));
    expect(rest).toMatch(/^CMD\s/);
    const command = commandWords(rest.replace(/^CMD\s+/, '')).join(' ');
    expect(command).toMatch(/\/ready\b/);
    expect(command).not.toMatch(/\bcurl\b|\bwget\b/); // neither is in the slim image
  });

  it('runtime: CMD runs dist/src/main.js with node as PID 1 (exec form, so it gets SIGTERM)', () => {
    const cmds = runtime.instructions.filter((i) => i.keyword === 'CMD');
    expect(cmds.length).toBeGreaterThan(0);
    expect(commandWords(cmds[cmds.length - 1].args)).toEqual(['node', 'dist/src/main.js']);
    expect(runtime.instructions.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
  });

  it('every file the build copies from the context exists and is not excluded by .dockerignore', () => {
    const ignored = dockerignore();
    for (const stage of stages) {
      for (const copy of copiesOf(stage).filter((c) => c.from === undefined)) {
        for (const source of copy.sources) {
          const relative = source.replace(/\/$/, '');
          expect({ source, exists: existsSync(path.join(root, relative)) }).toEqual({ source, exists: true });
          expect({ source, ignored: ignored.includes(relative) }).toEqual({ source, ignored: false });
        }
      }
    }
  });
});

function dockerignore(): string[] {
  return read('.dockerignore')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.replace(/^\/+|^\*\*\/|\/+$/g, ''));
}

describe('.dockerignore', () => {
  it('keeps host node_modules, dist and the embedded PostgreSQL data out of the build context', () => {
    expect(dockerignore()).toEqual(expect.arrayContaining(['node_modules', 'dist', '.data', '.git']));
  });
});

// --- docker-compose.yml -----------------------------------------------------------

interface ComposeService {
  image?: string;
  profiles?: string[];
  build?: string | { context?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: (string | number | { target?: number; published?: number | string })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  healthcheck?: { test?: string | string[]; interval?: string; retries?: number };
}

interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** A service's `environment`, map or `KEY=value` list, as strings. */
function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/**
 * A value as `docker compose` reads it: `${VAR}`, `${VAR:-default}` and
 * `${VAR-default}` replaced from `shell` (the shell or .env of whoever runs it).
 */
const interpolate = (value: string, shell: Record<string, string>) =>
  value.replace(/\$\{(\w+)(?:(:?)-([^}]*))?\}/g, (_all, name: string, colon: string, fallback: string | undefined) => {
    const set = shell[name];
    if (fallback === undefined) return set ?? '';
    return set === undefined || (colon === ':' && set === '') ? fallback : set;
  });

/** `host:container` of each published port, any host IP dropped. */
const publishedPorts = (service: ComposeService) =>
  (service.ports ?? []).map((p) => (typeof p === 'object' ? `${p.published}:${p.target}` : String(p).replace(/^(\d+\.){3}\d+:/, '')));

/** Each volume as { source, target }; short syntax `source:target[:mode]`. */
const mountsOf = (service: ComposeService) =>
  (service.volumes ?? []).map((v) => (typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v));

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml')) as Compose;
  const postgres = compose.services?.postgres;
  const api = compose.services?.api;

  it('has the postgres and api services', () => {
    expect(postgres).toBeDefined();
    expect(api).toBeDefined();
  });

  it('postgres: the official image, a healthcheck with pg_isready, data on a named volume', () => {
    expect(postgres.image).toMatch(/^(docker\.io\/)?(library\/)?postgres:\d+/);
    const test = postgres.healthcheck?.test;
    expect([test].flat().join(' ')).toMatch(/pg_isready/);
    expect(postgres.healthcheck?.interval).toBeDefined();
    expect(postgres.healthcheck?.retries).toBeGreaterThan(0);

    const dataVolume = (postgres.volumes ?? [])
      .map((v) => (typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v))
      .find((v) => v.target === '/var/lib/postgresql/data');
    expect(dataVolume).toBeDefined();
    // A name, not a host path, and declared at the top level.
    expect(dataVolume!.source).toMatch(/^[\w-]+$/);
    expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume!.source);
  });

  it('api: builds from this folder, waits for a healthy postgres, publishes 3000', () => {
    const context = typeof api.build === 'string' ? api.build : api.build?.context;
    expect(context).toBe('.');
    const dependsOn = api.depends_on;
    expect(Array.isArray(dependsOn)).toBe(false);
    expect((dependsOn as Record<string, { condition?: string }>).postgres?.condition).toBe('service_healthy');
    expect(publishedPorts(api)).toContain('3000:3000');
    expect(environmentOf(api).PORT ?? '3000').toBe('3000'); // the port the image EXPOSEs and its healthcheck asks
  });

  it('api: DATABASE_URL reaches the postgres service with its user, password and database', () => {
    const url = new URL(environmentOf(api).DATABASE_URL);
    const pgEnv = environmentOf(postgres);
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    expect(url.port || '5432').toBe('5432');
    expect(url.username).toBe(pgEnv.POSTGRES_USER ?? 'postgres');
    expect(decodeURIComponent(url.password)).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${pgEnv.POSTGRES_DB ?? url.username}`);
    // The healthcheck asks for the same database the API uses.
    expect([postgres.healthcheck?.test].flat().join(' ')).toContain(`-d ${pgEnv.POSTGRES_DB}`);
  });

  it('api: every variable it sets is one src/config.ts reads, with a value it accepts', () => {
    const env = environmentOf(api);
    const configSource = read('src/config.ts');
    for (const key of Object.keys(env)) expect({ key, known: configSource.includes(`'${key}'`) }).toEqual({ key, known: true });
    // As a plain `docker compose up` in a shell that sets nothing.
    const config = loadConfig(Object.fromEntries(Object.entries(env).map(([key, value]) => [key, interpolate(value, {})])));
    expect(config.databaseUrl).toBe(env.DATABASE_URL); // so no embedded PostgreSQL in the container
    expect(config.port).toBe(3000);
    expect(config.tracing).toBeUndefined(); // no Jaeger without the profile: nothing to export to
  });
});

describe('docker-compose.yml, observability profile', () => {
  const compose = parseYaml(read('docker-compose.yml')) as Compose;
  const { prometheus, grafana, jaeger } = compose.services;
  /** The container path a host folder of this repository is mounted at. */
  const mountTarget = (service: ComposeService, hostPath: string) =>
    mountsOf(service).find((m) => m.source?.replace(/^\.\//, '').replace(/\/$/, '') === hostPath)?.target;

  it('a plain `docker compose up` starts postgres and api only; prometheus, grafana and jaeger need --profile observability', () => {
    const always = Object.entries(compose.services).filter(([, service]) => !service.profiles).map(([name]) => name);
    expect(always.sort()).toEqual(['api', 'postgres']);
    expect(prometheus?.profiles).toEqual(['observability']);
    expect(grafana?.profiles).toEqual(['observability']);
    expect(jaeger?.profiles).toEqual(['observability']);
    // A service that always starts must not need one that only starts with the profile.
    for (const name of always) {
      const dependsOn = compose.services[name].depends_on ?? [];
      const needs = Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn);
      expect({ name, needs: needs.filter((n) => compose.services[n]?.profiles) }).toEqual({ name, needs: [] });
    }
  });

  it('every host path mounted exists', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const { source } of mountsOf(service).filter((m) => m.source?.startsWith('./'))) {
        expect({ name, source, exists: existsSync(path.join(root, source!)) }).toEqual({ name, source, exists: true });
      }
    }
  });

  it('prometheus: the official image at a pinned version, deploy/prometheus as its config, 9090 published', () => {
    expect(prometheus.image).toMatch(/^(docker\.io\/)?prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(mountTarget(prometheus, 'deploy/prometheus')).toBe('/etc/prometheus'); // where the image's command reads prometheus.yml
    expect(publishedPorts(prometheus)).toContain('9090:9090');
  });

  it('prometheus.yml scrapes the api service on the port it listens on, and loads rule files that exist', () => {
    const config = parseYaml(read('deploy/prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const job = config.scrape_configs.find((c) => c.job_name === 'pix-stream')!;
    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job.static_configs.flatMap((c) => c.targets)).toEqual([`api:${environmentOf(compose.services.api).PORT ?? '3000'}`]);
    expect(config.rule_files.length).toBeGreaterThan(0);
    for (const file of config.rule_files) expect({ file, exists: existsSync(path.join(root, 'deploy/prometheus', file)) }).toEqual({ file, exists: true });
  });

  it('grafana: the official image at a pinned version, provisioning and dashboards mounted, 3001 published (3000 is the API)', () => {
    expect(grafana.image).toMatch(/^(docker\.io\/)?grafana\/grafana(-oss)?:\d+\.\d+\.\d+$/);
    expect(mountTarget(grafana, 'deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    expect(publishedPorts(grafana)).toContain('3001:3000');
    const env = environmentOf(grafana);
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
    // The home dashboard is a file inside the mounted dashboards folder.
    const dashboards = mountTarget(grafana, 'deploy/grafana/dashboards')!;
    expect(env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH.startsWith(`${dashboards}/`)).toBe(true);
    expect(existsSync(path.join(root, 'deploy/grafana/dashboards', env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH.slice(dashboards.length + 1)))).toBe(true);
  });

  it('grafana provisioning: the datasource is the prometheus service, the dashboard provider reads the mounted folder', () => {
    const { datasources } = parseYaml(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    expect(datasources).toHaveLength(1);
    expect(datasources[0].type).toBe('prometheus');
    const url = new URL(datasources[0].url);
    expect(url.hostname).toBe('prometheus');
    expect(publishedPorts(prometheus).map((p) => p.split(':')[1])).toContain(url.port);

    const { providers } = parseYaml(read('deploy/grafana/provisioning/dashboards/dashboards.yml')) as {
      providers: { type: string; options: { path: string } }[];
    };
    expect(providers.map((p) => p.options.path)).toEqual([mountTarget(grafana, 'deploy/grafana/dashboards')]);
  });

  it('jaeger: the all-in-one image at a pinned version, OTLP receivers on, the UI on 16686 and OTLP/HTTP on 4318 published', () => {
    expect(jaeger.image).toMatch(/^(docker\.io\/)?jaegertracing\/all-in-one:\d+\.\d+\.\d+$/);
    expect(environmentOf(jaeger).COLLECTOR_OTLP_ENABLED).toBe('true');
    expect(Number(environmentOf(jaeger).MEMORY_MAX_TRACES)).toBeGreaterThan(0); // in-memory storage, bounded
    expect(publishedPorts(jaeger)).toEqual(expect.arrayContaining(['16686:16686', '4318:4318']));
  });

  it('api with the documented OTEL_EXPORTER_OTLP_ENDPOINT exports to the jaeger service\'s OTLP/HTTP port', () => {
    // The command the compose file's header documents, e.g. OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318 docker compose --profile observability up
    const documented = /OTEL_EXPORTER_OTLP_ENDPOINT=(\S+) docker compose --profile observability up/.exec(read('docker-compose.yml'));
    expect(documented).not.toBeNull();
    const shell = { OTEL_EXPORTER_OTLP_ENDPOINT: documented![1] };
    const env = Object.fromEntries(Object.entries(environmentOf(compose.services.api)).map(([key, value]) => [key, interpolate(value, shell)]));
    const { tracing } = loadConfig(env);
    const endpoint = new URL(tracing!.endpoint);
    expect(endpoint.hostname).toBe('jaeger');
    expect(endpoint.port).toBe('4318'); // Jaeger's OTLP/HTTP receiver (4317 is gRPC, which the API does not speak)
    expect(tracing!.serviceName).toBe('pix-stream');
  });
});
