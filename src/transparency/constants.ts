/** At most this many entries a page of `GET /api/v1/log/entries` (CONTRACT.md). */
export const ENTRIES_PAGE = 1000;
