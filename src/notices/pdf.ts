/**
 * The PDF documents the rules require in writing: the certificate (Art. 6.5: number, service, vendor, period,
 * the official mark and a QR code to the verification page) and the revocation letter (Art. 17.2). Japanese
 * text is set in Noto Sans JP, bundled as an npm package and embedded as a subset (only the glyphs used).
 * The output is deterministic for its input (creation date = the event's instant), so its SHA-256 names it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type PDFDocumentType from 'pdfkit';
import type { Certifier } from '../config';
import { qrPng } from '../mark/qr';
import { formatDate } from '../views/format';

let fonts: Promise<{ regular: Buffer; bold: Buffer }> | null = null;
let forget: ReturnType<typeof setTimeout> | null = null;
/** A minute after the last PDF the fonts (11 MB) are let go: PDFs are rare, and an idle server keeps none (issue 17). */
const FONTS_KEPT_MS = 60_000;
/** Read on the first PDF (and resolved then: the Workers bundle imports this module but never makes a PDF). */
const loadFonts = () => {
  if (!fonts) {
    const require = createRequire(import.meta.url);
    const file = (weight: string) => require.resolve(`@expo-google-fonts/noto-sans-jp/${weight}/NotoSansJP_${weight}.ttf`);
    fonts = Promise.all([readFile(file('400Regular')), readFile(file('700Bold'))]).then(([regular, bold]) => ({ regular, bold }));
  }
  if (forget) clearTimeout(forget);
  forget = setTimeout(() => {
    fonts = null;
    forget = null;
  }, FONTS_KEPT_MS);
  forget.unref?.();
  return fonts;
};

export interface PdfFile {
  name: string;
  contentType: 'application/pdf';
  bytes: Buffer;
  sha256: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function render(title: string, at: Date, certifier: Certifier, draw: (doc: PDFKit.PDFDocument) => void | Promise<void>): Promise<Buffer> {
  const f = await loadFonts();
  // imported at the first PDF: pdfkit costs an idle server about 5 MB (issue 17)
  const PDFDocument: typeof PDFDocumentType = (await import('pdfkit')).default;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: title, Author: certifier.name.ja, Creator: 'certmark', Producer: 'certmark', CreationDate: at, ModDate: at },
    // a fixed document ID keeps the bytes (and so the hash) a function of the content
    autoFirstPage: true,
  });
  doc.registerFont('jp', f.regular);
  doc.registerFont('jp-bold', f.bold);
  doc.font('jp');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  await draw(doc);
  doc.end();
  return done;
}

export interface CertificateInput {
  number: string;
  kind: 'initial' | 'renewal';
  service: { nameJa: string; nameEn: string | null };
  vendor: { nameJa: string; nameEn: string | null };
  certifiedOn: string;
  validThrough: string;
  verifyUrl: string;
  /** The official mark, PNG. */
  mark: Buffer;
  certifier: Certifier;
  issuedAt: Date;
}

/** Art. 6.5 (and 12.3 on renewal): the certificate. */
export async function certificatePdf(c: CertificateInput): Promise<PdfFile> {
  const qr = await qrPng(c.verifyUrl, 256);
  const bytes = await render(`認定証 ${c.number}`, c.issuedAt, c.certifier, (doc) => {
    const width = doc.page.width - 112;
    doc.font('jp-bold').fontSize(28).text('認 定 証', { align: 'center' });
    doc.font('jp').fontSize(11).text('Certificate of Certification', { align: 'center' }).moveDown(1.5);
    doc.fontSize(12).text(`認定番号　${c.number}`, { align: 'right' }).moveDown(1);
    const row = (ja: string, value: string, en?: string | null) => {
      doc.font('jp-bold').fontSize(11).text(ja);
      doc.font('jp').fontSize(13).text(value, { indent: 16 });
      if (en) doc.fontSize(10).fillColor('#444').text(en, { indent: 16 }).fillColor('#000');
      doc.moveDown(0.6);
    };
    row('事業者 / Vendor', `${c.vendor.nameJa} 殿`, c.vendor.nameEn);
    row('認定サービス / Certified service', c.service.nameJa, c.service.nameEn);
    row(
      '有効期間 / Valid',
      `${formatDate(c.certifiedOn, 'ja')} から ${formatDate(c.validThrough, 'ja')} まで`,
      `${formatDate(c.certifiedOn, 'en')} to ${formatDate(c.validThrough, 'en')}`,
    );
    doc.moveDown(0.5);
    doc
      .fontSize(11)
      .text(
        `上記のサービスは、医療情報を取り扱うクラウドサービスの認定規程に基づき${c.kind === 'renewal' ? '認定を更新した' : '認定した'}ものであることを証します。`,
        { width },
      );
    doc.moveDown(0.3).fontSize(9).fillColor('#444').text('The service above is certified under the certification rules.', { width }).fillColor('#000');
    const y = doc.y + 24;
    doc.image(c.mark, 56, y, { fit: [140, 140] });
    doc.image(qr, doc.page.width - 56 - 120, y, { fit: [120, 120] });
    doc
      .fontSize(8)
      .text(c.verifyUrl, doc.page.width - 56 - 220, y + 124, { width: 220, align: 'right' })
      .text('確認用URL / Verification page', doc.page.width - 56 - 220, y + 136, { width: 220, align: 'right' });
    doc.fontSize(11).text(`${formatDate(c.certifiedOn, 'ja')}`, 56, y + 170);
    doc
      .font('jp-bold')
      .fontSize(13)
      .text(c.certifier.name.ja, 56, y + 190, { width });
    doc.font('jp').fontSize(9).text(c.certifier.address.ja, { width });
  });
  return { name: `certificate-${c.number}.pdf`, contentType: 'application/pdf', bytes, sha256: sha256(bytes) };
}

export interface RevocationLetterInput {
  number: string | null;
  service: { nameJa: string };
  vendor: { nameJa: string };
  ground: number;
  groundText: string;
  reason: string;
  /** What staff added to the letter, if anything. */
  text: string | null;
  revokedAt: Date;
  certifier: Certifier;
}

/** Art. 17.2: the written notice of a revocation. */
export async function revocationLetterPdf(l: RevocationLetterInput): Promise<PdfFile> {
  const day = formatDate(l.revokedAt.toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' }), 'ja');
  const bytes = await render(`認定取消通知書 ${l.number ?? ''}`, l.revokedAt, l.certifier, (doc) => {
    const width = doc.page.width - 112;
    doc.fontSize(11).text(day, { align: 'right' }).moveDown(1);
    doc.fontSize(12).text(`${l.vendor.nameJa} 御中`).moveDown(1);
    doc.text(l.certifier.name.ja, { align: 'right' }).moveDown(2);
    doc.font('jp-bold').fontSize(18).text('認定取消通知書', { align: 'center' }).moveDown(1.5);
    doc
      .font('jp')
      .fontSize(11)
      .text(
        `貴社の医療情報ASP・SaaS「${l.service.nameJa}」${l.number ? `（認定番号 ${l.number}）` : ''}の認定を、認定規程第17条第1項第${l.ground}号の規定により取り消しましたので、同条第2項の規定により通知します。`,
        { width },
      )
      .moveDown(1);
    doc
      .font('jp-bold')
      .text('取消しの事由')
      .font('jp')
      .text(`第17条第1項第${l.ground}号　${l.groundText}`, { indent: 16, width: width - 16 });
    doc
      .moveDown(0.6)
      .font('jp-bold')
      .text('理由')
      .font('jp')
      .text(l.reason, { indent: 16, width: width - 16 });
    if (l.text) doc.moveDown(0.6).text(l.text, { width });
    doc.moveDown(1).text('取消しの時点から認定マークは使用できません。認定証を速やかに返却してください（第13条第3項）。', { width });
  });
  return { name: `revocation-${l.number ?? 'notice'}.pdf`, contentType: 'application/pdf', bytes, sha256: sha256(bytes) };
}
