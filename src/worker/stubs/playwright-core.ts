/**
 * Stands in for playwright-core in the Workers bundle (wrangler.toml [alias]): the vendor portal's integration
 * checker drives headless Chromium on the Node server only; the Workers build serves the public read path.
 */
export const chromium = {
  launch(): never {
    throw new Error('headless Chromium does not run on Workers: the integration checker runs on the Node server');
  },
};
