/** Stands in for PGlite in the Workers bundle (wrangler.toml [alias]): the edge reads PostgreSQL only. */
export class PGlite {
  static create(): never {
    throw new Error('the embedded database does not run on Workers: set DATABASE_URL or a Hyperdrive binding');
  }
}
