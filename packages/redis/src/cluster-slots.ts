// Which Redis Cluster slot a key's hash tag falls in, and one short hash tag per slot. The
// revocation feed is kept in one sorted set per slot: a script that deletes a user's sessions can
// then record them in the same script (a script may only touch keys of one slot), and a watcher
// finds every feed key without a SCAN.

const SLOTS = 16_384;

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/** The slot of a hash tag's content (the text between `{` and `}`), as `CLUSTER KEYSLOT` computes it. */
export function slotOfTag(tag: string): number {
  return crc16(new TextEncoder().encode(tag)) % SLOTS;
}

function crc16(bytes: ArrayLike<number>): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ (bytes[i] as number)) & 0xff] as number);
  return crc;
}

/** The slot of an ASCII string (its UTF-8 bytes are its char codes), without encoding it first. */
function slotOfAscii(text: string): number {
  let crc = 0;
  for (let i = 0; i < text.length; i++) crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ text.charCodeAt(i)) & 0xff] as number);
  return crc % SLOTS;
}

let tagsBySlot: string[] | undefined;

/**
 * A hash tag for every slot (`r` and a base-36 number), found by trying numbers in order until each
 * slot has one: the same list in every process, so every store instance agrees on the feed keys.
 * About 62,000 checksums (tens of ms), computed once, the first time a Cluster store records or reads the feed.
 */
export function slotTags(): readonly string[] {
  if (tagsBySlot) return tagsBySlot;
  const tags = new Array<string>(SLOTS);
  let covered = 0;
  for (let n = 0; covered < SLOTS; n++) {
    const tag = `r${n.toString(36)}`;
    const slot = slotOfAscii(tag);
    if (tags[slot] === undefined) {
      tags[slot] = tag;
      covered++;
    }
  }
  tagsBySlot = tags;
  return tags;
}
