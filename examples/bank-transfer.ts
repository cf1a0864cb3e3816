/**
 * Lost update on a bank balance.
 *
 * Two deposits land on one account at the same moment. Each reads the balance, awaits the
 * ledger service, and writes back what it read plus its amount. When both reads happen before
 * either write, the second write overwrites the first and one deposit vanishes. The refund goes
 * through a fraud check first, so asyncio's plain first-in first-out order happens to be safe:
 * the explorer has to find the interleaving where the refund overtakes the payroll.
 *
 * Fix: hold a Lock across the whole read-modify-write.
 */
import { gather, Lock, Shared, spawn, yieldNow } from 'interleaved';

export const description =
  'Lost update: two deposits read a balance, await the ledger, then write back what they read';

const OPENING_BALANCE = 100;
const SALARY = 50;
const REFUND = 30;

/** Simulated round trip to the ledger or fraud-check service: other tasks run meanwhile. */
async function remoteCall(): Promise<void> {
  await yieldNow();
}

async function deposit(account: Shared<number>, amount: number): Promise<void> {
  const balance = account.get();
  await remoteCall(); // append the entry to the ledger
  account.set(balance + amount);
}

function assertBalance(account: Shared<number>): void {
  const expected = OPENING_BALANCE + SALARY + REFUND;
  const balance = account.get();
  if (balance !== expected) throw new Error(`balance is ${balance}, expected ${expected}`);
}

export async function buggy(): Promise<void> {
  const account = new Shared(OPENING_BALANCE, { name: 'balance' });
  const payroll = spawn(() => deposit(account, SALARY), { name: 'payroll' });
  const refund = spawn(
    async () => {
      await remoteCall(); // fraud check
      await deposit(account, REFUND);
    },
    { name: 'refund' },
  );
  await gather(payroll, refund);
  assertBalance(account);
}

export async function fixed(): Promise<void> {
  const account = new Shared(OPENING_BALANCE, { name: 'balance' });
  const lock = new Lock({ name: 'account' });
  const payroll = spawn(() => lock.runExclusive(() => deposit(account, SALARY)), { name: 'payroll' });
  const refund = spawn(
    async () => {
      await remoteCall(); // fraud check
      await lock.runExclusive(() => deposit(account, REFUND));
    },
    { name: 'refund' },
  );
  await gather(payroll, refund);
  assertBalance(account);
}
