/** Stands in for esbuild in the Workers bundle (wrangler.toml [alias]): the badge script is bundled at build time. */
export function build(): never {
  throw new Error('esbuild does not run on Workers: the badge script is bundled by `npm run build:worker`');
}
