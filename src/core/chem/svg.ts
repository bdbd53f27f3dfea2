// Turning RDKit's SVG text into something the page can show safely: an <img src="data:..."> never runs scripts and never
// becomes part of the page's DOM, unlike markup injected with innerHTML. Pure string work: no RDKit, safe for the UI.

/** A data URL for an SVG document, for `<img src=...>`. */
export function svgToDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
