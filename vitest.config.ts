import { defineConfig } from 'vitest/config';
import { LongFilesFirst } from './test/fixtures/longFilesFirst.ts';

/**
 * Files whose outcome depends on timing that a shared machine changes, run after the rest, three at
 * a time (docs/testing.md gives the engine's margins measured so). The mock's pace and
 * its stall windows are measured by the test process's own timers (its sender fell to a third of
 * its pace with four files side by side), and the engine's own tests run it in the test process
 * beside their server, judged to the millisecond. One process, two workers and three shards are
 * compared by the latency each measured, one run after another. The bench's CPU reading must see a
 * busy process as near a whole core (it saw 26% among the busiest files).
 */
const QUIET_FILES = [
  'test/mock/capacity.test.ts',
  'test/mock/faults.test.ts',
  'test/engine/loadEngine.test.ts',
  'test/scale/scaleOutLatency.test.ts',
  'test/bench/targetLoad.test.ts',
];

/**
 * The capacity searches: each judges a chain of one-second trials by a p99 SLO with 100 ms of room
 * above its server's time, and a stall longer than that fails a trial (a probe of 25 requests at
 * 25/s fails on one). Among five busy files (the cores 87% busy) two searches failed one run of
 * three that way. They run after the busy files, five at a time with files that mostly wait, which
 * keeps the cores about half busy (vmstat), and before the timing-sensitive ones.
 */
const SEARCH_FILES = [
  'test/search/search.test.ts',
  'test/search/searchWorkers.test.ts',
  'test/search/searchLimiter.test.ts',
  'test/search/searchTargets.test.ts',
  'test/search/searchInterrupted.test.ts',
  'test/coordinate/coordinateSearch.test.ts',
  // Long and light files that wait more than they compute fill the lanes the searches leave.
  'test/outputs/prometheusOutput.test.ts',
  'test/history/history.test.ts',
  'test/cli/signals.test.ts',
  'test/verify/verify.test.ts',
];

// Pact consumer tests (re)write pacts/; everything that reads the pact runs after them.
export default defineConfig({
  test: {
    // Pact's native core reports usage to its makers unless told not to; tests send nothing off the machine.
    env: { PACT_DO_NOT_TRACK: 'true' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/fixtures/globalSetup.ts'],
    // Files run side by side: most of their time is waiting on runs of fixed length, not CPU
    // (vitest's default here, one fewer than the cores, would run them one at a time). Five keep
    // the 2 cores 87% busy (vmstat); the timing-sensitive files wait for the calm after them.
    maxWorkers: 5,
    sequence: { sequencer: LongFilesFirst },
    projects: [
      {
        test: { name: 'pact-consumer', include: ['test/**/*.pact.test.ts'], sequence: { groupOrder: 0 }, testTimeout: 60_000 },
      },
      {
        test: {
          name: 'harness',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.pact.test.ts', ...SEARCH_FILES, ...QUIET_FILES],
          sequence: { groupOrder: 1 },
          // A worker runs one file after another without reloading what they share (the src/
          // modules, vitest itself): the 60-odd short files then take seconds, not twenty. No test
          // changes process state it does not restore (checked: env, listeners, timers, mocks).
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: { name: 'searches', include: SEARCH_FILES, sequence: { groupOrder: 2 }, isolate: false, testTimeout: 120_000, hookTimeout: 60_000 },
      },
      {
        // After the rest, three at a time: the machine stays mostly idle.
        test: { name: 'quiet', include: QUIET_FILES, sequence: { groupOrder: 3 }, maxWorkers: 3, isolate: false, testTimeout: 120_000, hookTimeout: 60_000 },
      },
    ],
  },
});
