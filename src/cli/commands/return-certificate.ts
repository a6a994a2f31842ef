import { lifecycleCommand } from '../operation';

export const returnCertificate = lifecycleCommand({
  name: 'return-certificate',
  summary: 'record the certificate returned after termination or revocation (Art. 13.3, 10.8)',
  usage: '',
  path: 'certificate-return',
  body: () => undefined,
});
