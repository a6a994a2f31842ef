/** Stands in for @node-rs/argon2 in the Workers bundle (wrangler.toml [alias]): the staff console runs on the Node server only. */
const nodeOnly = (): never => {
  throw new Error('the staff console runs on the Node server, not on Workers');
};
export const hash = nodeOnly;
export const verify = nodeOnly;
