/**
 * Deadlock from inconsistent lock ordering.
 *
 * A transfer locks the source account, then the destination. Alice pays Bob while Bob pays
 * Alice: the first transfer holds Alice's lock and waits for Bob's, the second holds Bob's and
 * waits for Alice's. Neither can move; the explorer reports the wait-for cycle.
 *
 * Fix: every transfer takes the two locks in one global order (by account id), whichever way
 * the money flows, so no cycle can form.
 */
import { gather, Lock, Shared, spawn } from 'interleaved';

export const description =
  'Deadlock: two transfers lock the same two accounts in opposite orders';

interface Account {
  readonly id: number;
  readonly balance: Shared<number>;
  readonly lock: Lock;
}

function openAccount(id: number, owner: string, balance: number): Account {
  return { id, balance: new Shared(balance, { name: `${owner}.balance` }), lock: new Lock({ name: owner }) };
}

/** Moves money while holding `first` then `second`; both must be the two accounts involved. */
async function move(from: Account, to: Account, amount: number, first: Lock, second: Lock): Promise<void> {
  await first.acquire();
  try {
    await second.acquire();
    try {
      from.balance.update((b) => b - amount);
      to.balance.update((b) => b + amount);
    } finally {
      second.release();
    }
  } finally {
    first.release();
  }
}

type Transfer = (from: Account, to: Account, amount: number) => Promise<void>;

const sourceFirst: Transfer = (from, to, amount) => move(from, to, amount, from.lock, to.lock);

const lowestIdFirst: Transfer = (from, to, amount) =>
  from.id < to.id ? move(from, to, amount, from.lock, to.lock) : move(from, to, amount, to.lock, from.lock);

async function payEachOther(transfer: Transfer): Promise<void> {
  const alice = openAccount(1, 'alice', 100);
  const bob = openAccount(2, 'bob', 100);
  await gather(
    spawn(() => transfer(alice, bob, 30), { name: 'alice->bob' }),
    spawn(() => transfer(bob, alice, 20), { name: 'bob->alice' }),
  );
  const total = alice.balance.get() + bob.balance.get();
  if (total !== 200) throw new Error(`the bank holds ${total}, expected 200`);
}

export async function buggy(): Promise<void> {
  await payEachOther(sourceFirst);
}

export async function fixed(): Promise<void> {
  await payEachOther(lowestIdFirst);
}
