/**
 * The cash-out receipt: a one-page PDF, small but valid (correct xref offsets, so viewers open it
 * without repair), carrying the transfer's details as text.
 */

/** PDF literal strings: escape the delimiters and keep to ASCII (the standard 14 fonts lack accents here). */
function pdfText(text: string): string {
  const ascii = text.normalize('NFD').replace(/[^\x20-\x7e]/g, '');
  return ascii.replace(/[\\()]/g, (c) => `\\${c}`);
}

function contentStream(title: string, lines: readonly string[]): string {
  const rows = lines.map((line) => `(${pdfText(line)}) Tj T*`).join('\n');
  return `BT\n/F1 14 Tf 40 260 Td 18 TL\n(${pdfText(title)}) Tj T*\n/F1 10 Tf 14 TL\n${rows}\nET`;
}

/** Builds the PDF; `lines` are printed one under the other below `title`. */
export function buildVoucherPdf(title: string, lines: readonly string[]): Buffer {
  const stream = contentStream(title, lines);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 300] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
