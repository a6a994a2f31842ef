import { z } from 'zod';
import { systemClock } from '../../clock';
import { CHROMIUM_PATH, launchBrowser } from '../../crawler/browser';
import { sightingClient } from '../../crawler/client';
import { crawl as crawlPages } from '../../crawler/crawl';
import { CliError } from '../api';
import type { Command } from '../command';
import { UsageError } from '../command';
import { table } from '../format';

/** The crawler's own setting: its key (made with `certmark crawler-key create`), unless --key is given. */
const CrawlEnv = z.object({ CERTMARK_CRAWLER_KEY: z.string().trim().min(16, 'must be a crawler key').optional() });

export const crawl: Command = {
  name: 'crawl',
  summary: 'open pages in headless Chromium, find marks (images, badges in shadow roots) and report each as a sighting',
  usage: '{url}… [--key {crawler key}] [--max-per-page {n}] [--chromium {path}]',
  options: {
    key: { type: 'string', description: 'the crawler key (default: CERTMARK_CRAWLER_KEY)' },
    'max-per-page': { type: 'string', description: 'report at most this many candidates per page (default 50)' },
    chromium: { type: 'string', description: `the Chromium to drive (default ${CHROMIUM_PATH}; none is ever downloaded)` },
  },
  async run(ctx) {
    const urls = ctx.args;
    if (urls.length === 0) throw new UsageError('missing {url}: the pages to crawl');
    for (const u of urls) {
      if (!/^https?:\/\//i.test(u) || !URL.canParse(u)) throw new UsageError(`not an http(s) URL: ${u}`);
    }
    const env = CrawlEnv.safeParse(ctx.env);
    if (!env.success) throw new UsageError(`CERTMARK_CRAWLER_KEY: ${env.error.issues[0]?.message}`);
    const key = (typeof ctx.options.key === 'string' ? ctx.options.key : undefined) ?? env.data.CERTMARK_CRAWLER_KEY;
    if (!key) throw new UsageError('no crawler key: pass --key or set CERTMARK_CRAWLER_KEY (certmark crawler-key create makes one)');
    const max = ctx.options['max-per-page'] === undefined ? 50 : Number(ctx.options['max-per-page']);
    if (!Number.isInteger(max) || max < 1 || max > 1000) throw new UsageError('--max-per-page must be a whole number from 1 to 1000');

    const browser = await launchBrowser(typeof ctx.options.chromium === 'string' ? ctx.options.chromium : CHROMIUM_PATH).catch((e: Error) => {
      throw new CliError(`cannot start Chromium: ${e.message.split('\n')[0]}`);
    });
    try {
      const report = await crawlPages(urls, {
        browser,
        client: sightingClient({ certmarkUrl: ctx.cliConfig().url, key }),
        clock: systemClock,
        maxPerPage: max,
      });
      ctx.print({ pages: report }, () =>
        report
          .map((p) =>
            p.error
              ? `${p.url}: not crawled (${p.error})`
              : [
                  `${p.url}: ${p.results.length} candidate(s)`,
                  ...(p.results.length
                    ? [
                        table(
                          p.results.map((r) => [
                            r.kind,
                            r.status || 'failed',
                            r.findings ? r.findings.join(' ') || '(not the mark)' : (r.error ?? ''),
                            r.linkHref ?? '',
                            r.token ? 'token' : '',
                          ]),
                          ['kind', 'status', 'findings', 'link', ''],
                        ),
                      ]
                    : []),
                ].join('\n'),
          )
          .join('\n\n'),
      );
      const failed = report.some((p) => p.error !== null || p.results.some((r) => r.status !== 201));
      return failed ? 1 : 0;
    } finally {
      await browser.close();
    }
  },
};
