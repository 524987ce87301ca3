/** RETENTION_*: decimals for the age (a soak ages rows in seconds), integers for the rest, messages that name the key. */
import { ConfigError, loadConfig } from '../../src/config';

describe('retention settings', () => {
  it('defaults to a week, batches of 100 iterations, a run a minute', () => {
    expect(loadConfig({}).retention).toEqual({ hours: 168, batch: 100, intervalS: 60 });
    expect(Object.isFrozen(loadConfig({}).retention)).toBe(true);
  });

  it.each([
    ['0.005', 0.005],
    ['.5', 0.5],
    ['24', 24],
    [' 1.25 ', 1.25],
    ['', 168],
  ])('RETENTION_HOURS=%j is %d hours', (raw, hours) => {
    expect(loadConfig({ RETENTION_HOURS: raw }).retention.hours).toBe(hours);
  });

  it('takes the batch and the interval as given', () => {
    expect(loadConfig({ RETENTION_BATCH: '50', RETENTION_INTERVAL_S: '2' }).retention).toMatchObject({ batch: 50, intervalS: 2 });
  });

  it.each([
    [{ RETENTION_HOURS: '0' }, /RETENTION_HOURS must be above 0/],
    [{ RETENTION_HOURS: '0.0' }, /RETENTION_HOURS must be above 0/],
    [{ RETENTION_HOURS: '-1' }, /RETENTION_HOURS must be a decimal number/],
    [{ RETENTION_HOURS: '1e3' }, /RETENTION_HOURS must be a decimal number/],
    [{ RETENTION_HOURS: '1,5' }, /RETENTION_HOURS must be a decimal number/],
    [{ RETENTION_HOURS: '7.' }, /RETENTION_HOURS must be a decimal number/],
    [{ RETENTION_HOURS: 'week' }, /RETENTION_HOURS must be a decimal number/],
    [{ RETENTION_HOURS: '100000' }, /RETENTION_HOURS must be above 0 and at most 87600/],
    [{ RETENTION_BATCH: '0' }, /RETENTION_BATCH must be between 1 and 100000/],
    [{ RETENTION_BATCH: '10.5' }, /RETENTION_BATCH must be an integer/],
    [{ RETENTION_INTERVAL_S: '0' }, /RETENTION_INTERVAL_S must be between 1 and 86400/],
  ])('%j is refused with a message naming the key', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
