// Prior files cross from Node to the script pages (and back) as base64 text: page.evaluate passes only JSON.

export function fromBase64(text: string): ArrayBuffer {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes.buffer;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  // In slices: spreading millions of bytes into one call would overflow the argument stack.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
