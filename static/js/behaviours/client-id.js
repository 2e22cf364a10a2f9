// Give each new entry a UUID (version 7, time-ordered) made on this phone, so
// a repeated send of the same entry can never store it twice.
export function uuid7() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const millis = Date.now();
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(millis / 2 ** (8 * (5 - i))) & 0xff;
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function fillClientIds(root) {
  for (const input of root.querySelectorAll("input[data-client-id]")) {
    if (!input.value) input.value = uuid7();
  }
}
