/**
 * Who polls: the kernel workers poll between products only where the machine has a core to spare beyond
 * the pool's threads (on a 2-vCPU VM a polling worker took the core its caller needed).
 */
import { describe, expect, test } from 'vitest';
import { POLL_US, workerPollMicroseconds } from './compute-threads';

describe('workerPollMicroseconds', () => {
  test('polls POLL_US (1 ms) with more cores than threads, not at all otherwise', () => {
    expect(POLL_US).toBe(1000);
    expect(workerPollMicroseconds(16, 8)).toBe(POLL_US);
    expect(workerPollMicroseconds(3, 2)).toBe(POLL_US);
    expect(workerPollMicroseconds(2, 2)).toBe(0);
    expect(workerPollMicroseconds(4, 8)).toBe(0);
  });
});
