/**
 * A crawler that nests `p-limit` (npm) calls on one limiter.
 *
 * Every HTTP request goes through one `pLimit(2)`. Crawling a page runs inside the limiter and,
 * while still holding its slot, fetches the page's links through the same limiter. When two
 * page crawls hold both slots, their link fetches wait for a slot that only they could free:
 * a deadlock. It needs the second crawl to start before the first page's links get the free
 * slot, so it depends on the order in which the responses arrive.
 *
 * The limiter library is used unmodified; the HTTP client is a `controlled` mock.
 *
 * Fix: limit the requests, not the crawl: the page fetch and each link fetch take a slot each,
 * and no slot is held while waiting for another.
 */
import pLimit from 'p-limit';
import { controlled, gather, spawn } from 'interleaved';

export const description =
  'Crawler (p-limit): a limited job that waits on jobs of the same limiter deadlocks when both slots are taken';

interface Page {
  readonly url: string;
  readonly links: readonly string[];
}

type Crawl = (url: string) => Promise<void>;

function crawler(nested: boolean): { crawl: Crawl; get: (url: string) => Promise<Page> } {
  const limit = pLimit(2);
  const get = controlled(async (url: string): Promise<Page> => ({ url, links: url.split('/').length > 2 ? [] : [`${url}/a`, `${url}/b`] }), 'http.get');
  const holdingSlot: Crawl = (url) =>
    limit(async () => {
      const page = await get(url);
      await Promise.all(page.links.map((link) => limit(() => get(link))));
    });
  const slotPerRequest: Crawl = async (url) => {
    const page = await limit(() => get(url));
    await Promise.all(page.links.map((link) => limit(() => get(link))));
  };
  return { crawl: nested ? holdingSlot : slotPerRequest, get };
}

async function scenario(nested: boolean): Promise<void> {
  const { crawl, get } = crawler(nested);
  await gather(
    spawn(() => crawl('/docs'), { name: 'docs' }),
    spawn(async () => {
      await get('/robots.txt');
      await crawl('/blog');
    }, { name: 'blog' }),
  );
}

export async function buggy(): Promise<void> {
  await scenario(true);
}

export async function fixed(): Promise<void> {
  await scenario(false);
}
