/**
 * The client IP behind `hops` trusted reverse proxies: 0 ignores X-Forwarded-For (a header any peer can
 * send); N takes the Nth address from the right, the one the outermost trusted proxy saw. With fewer
 * addresses than hops the request did not come through the proxies, and the peer address stands.
 */
export function clientIp(
  peerAddress: string,
  forwardedFor: string | string[] | undefined,
  hops: number,
): string {
  if (hops === 0 || forwardedFor === undefined) return peerAddress;
  const list = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
  return list[list.length - hops] ?? peerAddress;
}
