/**
 * Ledger transfers with `async-lock` (npm) keyed locks taken one inside the other.
 *
 * Each account has a key in one AsyncLock. A transfer locks the source account, reads its
 * balance from the database, then locks the destination inside. Two opposite transfers (ann to
 * bob, bob to ann) that each get their first lock wait forever for the other's: a deadlock,
 * reached only when both first reads complete before either transfer takes its second lock.
 *
 * The lock library is used unmodified; the database is a `controlled` mock.
 *
 * Fix: take both keys in one `acquire` call, in a global (sorted) order.
 */
import AsyncLock from 'async-lock';
import { controlled, gather, spawn } from 'interleaved';

export const description =
  'Transfers (async-lock): nested keyed locks taken in opposite orders deadlock';

type Transfer = (from: string, to: string, amount: number) => Promise<void>;

function bank(nested: boolean): { transfer: Transfer; total: () => number } {
  const lock = new AsyncLock();
  const balances = new Map([
    ['ann', 100],
    ['bob', 100],
  ]);
  const read = controlled(async (account: string) => balances.get(account)!, 'db.read');
  const write = controlled(async (account: string, value: number) => void balances.set(account, value), 'db.write');
  const move = async (from: string, to: string, amount: number) => {
    const source = await read(from);
    const target = await read(to);
    await write(from, source - amount);
    await write(to, target + amount);
  };
  const oneByOne: Transfer = (from, to, amount) =>
    lock.acquire(from, async () => {
      await read(from); // validate the source account first
      await lock.acquire(to, () => move(from, to, amount));
    });
  const together: Transfer = (from, to, amount) => lock.acquire([from, to].sort(), () => move(from, to, amount));
  return { transfer: nested ? oneByOne : together, total: () => balances.get('ann')! + balances.get('bob')! };
}

async function scenario(nested: boolean): Promise<void> {
  const { transfer, total } = bank(nested);
  await gather(
    spawn(() => transfer('ann', 'bob', 30), { name: 'ann->bob' }),
    spawn(() => transfer('bob', 'ann', 20), { name: 'bob->ann' }),
  );
  if (total() !== 200) throw new Error(`money was created or lost: total ${total()}`);
}

export async function buggy(): Promise<void> {
  await scenario(true);
}

export async function fixed(): Promise<void> {
  await scenario(false);
}
