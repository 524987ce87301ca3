/** Where claims start reading an ISPB's pending index (no database): set by full claims, dropped by news and by age. */
import { ClaimFloors, NO_FLOOR } from '../../src/stream/claim-floors';

describe('ClaimFloors', () => {
  afterEach(() => jest.useRealTimers());

  it('starts at no floor; a full claim sets it, a short claim drops it', () => {
    const floors = new ClaimFloors();
    expect(floors.get('11111111')).toBe(NO_FLOOR);
    floors.claimed('11111111', '500');
    expect(floors.get('11111111')).toBe('500');
    expect(floors.get('22222222')).toBe(NO_FLOOR);
    floors.claimed('11111111', '510');
    expect(floors.get('11111111')).toBe('510');
    floors.claimed('11111111', null);
    expect(floors.get('11111111')).toBe(NO_FLOOR);
  });

  it('drop and dropAll (notifications, a LISTEN reconnect) send the next claim back to the first entry', () => {
    const floors = new ClaimFloors();
    floors.claimed('11111111', '500');
    floors.claimed('22222222', '700');
    floors.drop('11111111');
    expect(floors.get('11111111')).toBe(NO_FLOOR);
    expect(floors.get('22222222')).toBe('700');
    floors.dropAll();
    expect(floors.get('22222222')).toBe(NO_FLOOR);
  });

  it('a floor lasts one second from when it was first set, however often it moves', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const floors = new ClaimFloors();
    floors.claimed('11111111', '500');
    jest.setSystemTime(1_000_600);
    floors.claimed('11111111', '600');
    expect(floors.get('11111111')).toBe('600');
    jest.setSystemTime(1_001_001);
    expect(floors.get('11111111')).toBe(NO_FLOOR);
    floors.claimed('11111111', '700');
    expect(floors.get('11111111')).toBe('700');
  });
});
