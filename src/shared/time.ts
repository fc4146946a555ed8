/** All time conversion lives here: the store and the wire speak whole Unix seconds (UTC). */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
