/**
 * Stands in for sharp in the Workers bundle (wrangler.toml [alias]): libvips cannot load in workerd. Whatever
 * would rasterise or decode answers 503 there; the official mark's PNGs are rendered at build time instead.
 */
import { AppError } from '../../errors';

export default function sharp(): never {
  throw new AppError('unavailable', 'image rendering runs on the Node server, not on this edge deployment');
}
