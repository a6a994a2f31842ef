/** Stands in for pdfkit in the Workers bundle (wrangler.toml [alias]): written notices and their PDFs are the Node server's. */
export default class PDFDocument {
  constructor() {
    throw new Error('PDFs are not made on Workers: the Node server writes the notices');
  }
}
