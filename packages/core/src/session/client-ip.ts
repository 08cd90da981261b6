/** How much of the client's IP address a session keeps (config `ipAddress`). */
export type IpAddressStorage = "full" | "truncated" | "none";

/**
 * The address as stored: whole, cut to its network (IPv4 /24, IPv6 /48: enough to tell "home" from
 * "another country", not enough to name a household), or null. Anything that does not parse as an
 * address is null, never stored as given: it may come from a header a client wrote.
 */
export function storedIp(address: string | undefined, storage: IpAddressStorage): string | null {
  if (storage === "none" || address === undefined) return null;
  const trimmed = address.trim();
  // IPv4-mapped IPv6 (what a dual-stack Node socket reports for IPv4 clients) is the IPv4 address.
  const v4 = parseIpv4(trimmed.replace(/^::ffff:/i, ""));
  if (v4) return storage === "full" ? v4.join(".") : `${v4[0]}.${v4[1]}.${v4[2]}.0`;
  const v6 = parseIpv6(trimmed);
  if (!v6) return null;
  const groups = storage === "full" ? v6 : [...v6.slice(0, 3), 0, 0, 0, 0, 0];
  return compressIpv6(groups);
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** The eight 16-bit groups of an IPv6 address (zone ids dropped), or undefined. */
function parseIpv6(text: string): number[] | undefined {
  const address = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!/^[0-9a-f:.]+$/i.test(address)) return undefined;
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string | undefined): number[] | undefined => {
    if (!half) return [];
    const groups: number[] = [];
    const parts = half.split(":");
    for (const [index, part] of parts.entries()) {
      if (index === parts.length - 1 && part.includes(".")) {
        const v4 = parseIpv4(part);
        if (!v4) return undefined;
        groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
        groups.push(Number.parseInt(part, 16));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : undefined;
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as "::". */
function compressIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** The User-Agent as stored: at most this many characters (a header can be kilobytes). */
export const MAX_USER_AGENT_LENGTH = 512;

export function storedUserAgent(userAgent: string | undefined): string | null {
  if (userAgent === undefined) return null;
  const trimmed = userAgent.trim();
  return trimmed === "" ? null : trimmed.slice(0, MAX_USER_AGENT_LENGTH);
}
