/**
 * Missed wake-up with an Event used as a "work available" flag.
 *
 * The producer appends an order to the inbox and sets the event. The consumer waits for the
 * event, takes the whole inbox, ships the batch, and only then clears the event. An order that
 * arrives while the batch is being shipped sets an event that is already set; the late `clear()`
 * then erases that signal, and the consumer waits forever for an order that is already waiting.
 *
 * Fix: an Event is a flag, not a count. Hand the orders over through a Queue, which keeps every
 * item and wakes the consumer once per item.
 */
import { Event, gather, Queue, Shared, spawn, yieldNow } from 'interleaved';

export const description =
  'Missed wake-up: the consumer clears an Event after its work, erasing a set() made meanwhile';

const ORDERS = ['order-1', 'order-2', 'order-3'] as const;

/** Simulated call to the warehouse system. */
async function ship(_batch: readonly string[]): Promise<void> {
  await yieldNow();
}

function assertAllShipped(shipped: Shared<readonly string[]>): void {
  const got = shipped.get().join(', ');
  if (got !== ORDERS.join(', ')) throw new Error(`shipped [${got}], expected [${ORDERS.join(', ')}]`);
}

export async function buggy(): Promise<void> {
  const inbox = new Shared<readonly string[]>([], { name: 'inbox' });
  const shipped = new Shared<readonly string[]>([], { name: 'shipped' });
  const arrived = new Event({ name: 'arrived' });
  const producer = spawn(async () => {
    for (const order of ORDERS) {
      inbox.update((orders) => [...orders, order]);
      arrived.set();
      await yieldNow(); // the next order comes in from the network
    }
  }, { name: 'producer' });
  const consumer = spawn(async () => {
    while (shipped.get().length < ORDERS.length) {
      await arrived.wait();
      const batch = inbox.get();
      inbox.set([]);
      await ship(batch);
      shipped.update((done) => [...done, ...batch]);
      arrived.clear(); // too late: a set() made while shipping is lost here
    }
  }, { name: 'consumer' });
  await gather(producer, consumer);
  assertAllShipped(shipped);
}

export async function fixed(): Promise<void> {
  const shipped = new Shared<readonly string[]>([], { name: 'shipped' });
  const inbox = new Queue<string>(0, { name: 'inbox' });
  const producer = spawn(async () => {
    for (const order of ORDERS) {
      await inbox.put(order);
      await yieldNow(); // the next order comes in from the network
    }
  }, { name: 'producer' });
  const consumer = spawn(async () => {
    while (shipped.get().length < ORDERS.length) {
      const order = await inbox.get();
      await ship([order]);
      shipped.update((done) => [...done, order]);
    }
  }, { name: 'consumer' });
  await gather(producer, consumer);
  assertAllShipped(shipped);
}
