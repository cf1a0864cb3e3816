/**
 * A producer blocked forever on a bounded queue whose consumer was cancelled.
 *
 * An encoder streams frames to a viewer through a Queue of size 1, so it can never run more
 * than one frame ahead. The viewer watches for 3 ms and leaves: `timeout` cancels its loop.
 * Nobody reads the queue any more, the encoder's next `put` waits for room that never comes, and
 * the program never finishes.
 *
 * Fix: the viewer shuts the queue down when it leaves (in `finally`, so a cancel or an error
 * counts too); the encoder's blocked `put` then fails with QueueShutDown and it stops.
 */
import { gather, Queue, QueueShutDown, sleep, spawn, timeout, TimeoutError } from 'interleaved';

export const description =
  'Blocked producer: the consumer of a bounded Queue is cancelled by a timeout; put() waits forever';

const FRAMES = 10;
const WATCH_MS = 3;

async function render(_frame: number): Promise<void> {
  await sleep(1);
}

async function watch(frames: Queue<number>): Promise<void> {
  try {
    await timeout(WATCH_MS, async () => {
      for (;;) await render(await frames.get());
    });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error; // leaving after WATCH_MS is the plan
  }
}

export async function buggy(): Promise<void> {
  const frames = new Queue<number>(1, { name: 'frames' });
  const encoder = spawn(async () => {
    for (let frame = 0; frame < FRAMES; frame++) await frames.put(frame);
  }, { name: 'encoder' });
  const viewer = spawn(() => watch(frames), { name: 'viewer' });
  await gather(encoder, viewer);
}

export async function fixed(): Promise<void> {
  const frames = new Queue<number>(1, { name: 'frames' });
  const encoder = spawn(async () => {
    try {
      for (let frame = 0; frame < FRAMES; frame++) await frames.put(frame);
    } catch (error) {
      if (!(error instanceof QueueShutDown)) throw error; // the viewer left: stop encoding
    }
  }, { name: 'encoder' });
  const viewer = spawn(async () => {
    try {
      await watch(frames);
    } finally {
      frames.shutdown();
    }
  }, { name: 'viewer' });
  await gather(encoder, viewer);
}
