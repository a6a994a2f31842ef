/** Stands in for nodemailer in the Workers bundle (wrangler.toml [alias]): notices are delivered by the Node server. */
export default {
  createTransport(): never {
    throw new Error('notices are not delivered from Workers: the Node server delivers them');
  },
};
