// A dependency-free SVG bar chart of the run's ratios, for RESULTS.md.
export interface Bar {
  group: string;
  label: string;
  /** A ratio: 1 means "as fast as the reference". */
  value: number;
  highlight: boolean;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function chart(bars: Bar[]): string {
  const width = 760;
  const labelWidth = 230;
  const plotWidth = width - labelWidth - 70;
  const rowHeight = 20;
  const max = Math.max(1.2, ...bars.map((b) => b.value));
  const x = (value: number) => labelWidth + (value / max) * plotWidth;
  const parts: string[] = [];
  let y = 10;
  const groups = [...new Set(bars.map((b) => b.group))];
  for (const group of groups) {
    parts.push(`<text x="10" y="${y + 14}" font-weight="bold">${escapeXml(group)}</text>`);
    y += 24;
    const top = y;
    for (const bar of bars.filter((b) => b.group === group)) {
      const fill = bar.highlight ? "#2563eb" : "#9ca3af";
      parts.push(`<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escapeXml(bar.label)}</text>`);
      parts.push(
        `<rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, x(bar.value) - labelWidth).toFixed(1)}" height="${rowHeight - 6}" fill="${fill}"/>`,
      );
      parts.push(`<text x="${(x(bar.value) + 6).toFixed(1)}" y="${y + 14}">${bar.value.toFixed(2)}x</text>`);
      y += rowHeight;
    }
    parts.push(`<line x1="${x(1).toFixed(1)}" y1="${top}" x2="${x(1).toFixed(1)}" y2="${y}" stroke="#111827" stroke-dasharray="3,3"/>`);
    y += 12;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif" font-size="12">`,
    "<title>Latch benchmark ratios of this run (1.00x: as fast as the reference)</title>",
    `<rect width="${width}" height="${y}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
