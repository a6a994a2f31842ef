import { apply, decide, giveOpinion } from '../../domain/lifecycle/application';
import { changeDisclosure, changeOrigins } from '../../domain/lifecycle/changes';
import { lapse, returnCertificate, terminate } from '../../domain/lifecycle/closure';
import { extend, fileRenewal } from '../../domain/lifecycle/renewal';
import { newRouter } from '../../http/router';
import { OpinionRequest } from './access-schemas';
import { operation } from './operation';
import {
  ApplicationRequest,
  ChangeRequest,
  DecisionRequest,
  ExtensionRequest,
  LapseRequest,
  OriginsRequest,
  RenewalRequest,
  TerminationRequest,
} from './schemas';

/** Every lifecycle operation of DOMAIN.md, each a POST on the service (id or certification number). */
export function lifecycleRoutes() {
  const r = newRouter();

  operation(
    r,
    {
      path: 'applications',
      summary: 'Art. 4, 5: an application with its documents and paid fee (Art. 8: refused at once within one year of a revocation)',
      body: ApplicationRequest,
      status: 201,
    },
    (ctx, id, input) => apply(ctx, id, input),
  );

  operation(
    r,
    { path: 'decision', summary: 'Art. 6.1, 6.4, 7, 12.3: certify or refuse the pending application or renewal, with the notice', body: DecisionRequest },
    (ctx, id, input) => decide(ctx, id, input),
  );

  operation(
    r,
    { path: 'renewals', summary: 'Art. 12.1, 10.7: a renewal filed 60 to 30 days before expiry, with the self-declaration', body: RenewalRequest, status: 201 },
    (ctx, id, input) => fileRenewal(ctx, id, input),
  );

  operation(
    r,
    { path: 'extensions', summary: 'Art. 12.2: keep the certification in force past expiry while the renewal is decided', body: ExtensionRequest, status: 201 },
    (ctx, id, input) => extend(ctx, id, input),
  );

  operation(
    r,
    { path: 'changes', summary: 'Art. 13.1: a change notice; the application content gets a new version', body: ChangeRequest, status: 201 },
    (ctx, id, input) => changeDisclosure(ctx, id, input),
  );

  operation(r, { path: 'origins', summary: 'Art. 10.2: replace the web origins where the mark may appear', body: OriginsRequest }, (ctx, id, input) =>
    changeOrigins(ctx, id, input.origins),
  );

  operation(r, { path: 'termination', summary: 'Art. 13.2, 13.3: the vendor ended the service', body: TerminationRequest }, (ctx, id, input) =>
    terminate(ctx, id, input),
  );

  operation(r, { path: 'certificate-return', summary: 'Art. 13.3, 10.8: the certificate was returned', body: null }, (ctx, id) => returnCertificate(ctx, id));

  operation(r, { path: 'lapse', summary: 'Art. 9.2: transfer, merger, split or inheritance ended the certification', body: LapseRequest }, (ctx, id, input) =>
    lapse(ctx, id, input),
  );

  operation(
    r,
    {
      path: 'opinions',
      summary: 'Art. 7: a committee member’s opinion on the application or renewal awaiting a decision (committee only)',
      body: OpinionRequest,
      status: 201,
      roles: ['committee'],
    },
    (ctx, id, input) => giveOpinion(ctx, id, input),
  );

  // Art. 17: the revocation is in revocations.ts (one admin revokes, or two: a proposal and its approval)

  return r;
}
