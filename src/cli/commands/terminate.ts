import { lifecycleCommand } from '../operation';

export const terminate = lifecycleCommand({
  name: 'terminate',
  summary: 'record that the vendor ended the service (Art. 13.2), and whether the certificate came with it (13.3)',
  usage: '[--certificate-returned]',
  options: { 'certificate-returned': { type: 'boolean', description: 'the certificate was returned with the notice' } },
  path: 'termination',
  body: (ctx) => ({ certificateReturned: ctx.options['certificate-returned'] === true }),
});
