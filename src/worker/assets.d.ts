/** dist/worker/assets.js, made by src/worker/prebuild.ts; wrangler.toml aliases this name to it. */
declare module 'certmark-worker-assets' {
  export const widget: { code: string; hash: string; integrity: string; gzipBytes: number };
  export const masters: { colour: string; mono: string };
  /** `{variant}:{width}` → base64 PNG */
  export const markPngs: Record<string, string>;
  /** `{reason}:{lang}:{width}` → base64 PNG */
  export const noticePngs: Record<string, string>;
  export const siteCss: string;
}
