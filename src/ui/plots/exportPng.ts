// The plots of a panel as one PNG: each chart's canvas stacked top to bottom on a white (or page-coloured) sheet.

export async function plotsAsPng(root: HTMLElement, background: string): Promise<Blob | null> {
  const canvases = [...root.querySelectorAll('canvas')].filter((c) => c.width > 0 && c.height > 0);
  if (!canvases.length) return null;
  const gap = 16;
  const width = Math.max(...canvases.map((c) => c.width));
  const height = canvases.reduce((h, c) => h + c.height + gap, gap);
  const sheet = document.createElement('canvas');
  sheet.width = width + 2 * gap;
  sheet.height = height;
  const ctx = sheet.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = background || '#ffffff';
  ctx.fillRect(0, 0, sheet.width, sheet.height);
  let y = gap;
  for (const c of canvases) {
    ctx.drawImage(c, gap, y);
    y += c.height + gap;
  }
  return new Promise((resolve) => sheet.toBlob(resolve, 'image/png'));
}
