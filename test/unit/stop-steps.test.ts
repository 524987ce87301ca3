/** A process's shutdown steps: newest first, each bounded, a stuck or failing one logged and passed. */
import pino from 'pino';
import { StopSteps } from '../../src/lib/stop-steps';

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

it('stops newest first, every step once, however often stopAll is called', async () => {
  const { logger } = recordingLogger();
  const order: string[] = [];
  const steps = new StopSteps(logger, 1000);
  for (const name of ['pool', 'jobs', 'worker']) steps.add(name, async () => void order.push(name));
  await steps.stopAll();
  await steps.stopAll();
  expect(order).toEqual(['worker', 'jobs', 'pool']);
});

it('a step that hangs is logged by name and the steps after it still run; stopAll then fails', async () => {
  const { logger, lines } = recordingLogger();
  const order: string[] = [];
  const steps = new StopSteps(logger, 100);
  steps.add('pg-boss', async () => void order.push('pg-boss'));
  steps.add('the virtual participants', () => new Promise<void>(() => undefined));
  steps.add('HTTP', () => Promise.reject(new Error('refused')));
  await expect(steps.stopAll()).rejects.toThrow('refused');
  expect(order).toEqual(['pg-boss']);
  expect(lines.map((l) => [l.step, l.msg])).toEqual([
    ['HTTP', 'a shutdown step failed; going on with the next'],
    ['the virtual participants', 'a shutdown step overran its time; going on with the next'],
  ]);
});
