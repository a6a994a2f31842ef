import { createRoute, z } from '@hono/zod-openapi';
import {
  completeImprovement,
  publishImprovement,
  recordInvestigationAnswer,
  reportEmergency,
  reportEmergencyProgress,
  requestImprovement,
  requestInvestigation,
} from '../../domain/lifecycle/oversight';
import { outstandingCertificates, overdueRequests } from '../../domain/lifecycle/staff-view';
import { newRouter } from '../../http/router';
import { operation, param } from './operation';
import {
  EmergencyReportRequest,
  EmergencyRequest,
  IdParam,
  ImprovementCompletionRequest,
  ImprovementRequest,
  InvestigationAnswerRequest,
  InvestigationRequest,
  OverdueList,
} from './schemas';
import { jsonOk, problems, security, TAG } from './shared';

const withId = <T extends { id: string }>(r: T) => ({ ...r, result: { id: r.id } });

/** Art. 14 emergencies, Art. 15 investigations, Art. 16 improvement requests. */
export function oversightRoutes() {
  const r = newRouter();

  operation(
    r,
    { path: 'emergencies', summary: 'Art. 14: notice of an outage, a leak or another emergency', body: EmergencyRequest, status: 201 },
    async (ctx, id, input) => withId(await reportEmergency(ctx, id, input)),
  );

  operation(
    r,
    {
      path: 'emergencies/{emergency}/reports',
      summary: 'Art. 14: a progress report; `close` ends the emergency',
      body: EmergencyReportRequest,
      status: 201,
      params: IdParam('emergency', 'the emergency id'),
    },
    (ctx, id, input, c) => reportEmergencyProgress(ctx, id, param(c, 'emergency'), input),
  );

  operation(
    r,
    { path: 'investigations', summary: 'Art. 15: request explanations or materials, with a due date', body: InvestigationRequest, status: 201 },
    async (ctx, id, input) => withId(await requestInvestigation(ctx, id, input)),
  );

  operation(
    r,
    {
      path: 'investigations/{investigation}/answer',
      summary: 'Art. 15: the vendor’s answer; an unsatisfactory one may ground a revocation (Art. 17.1(6))',
      body: InvestigationAnswerRequest,
      params: IdParam('investigation', 'the investigation id'),
    },
    (ctx, id, input, c) => recordInvestigationAnswer(ctx, id, param(c, 'investigation'), input),
  );

  operation(
    r,
    {
      path: 'improvements',
      summary: 'Art. 16.1: an improvement request with a due date; `publish` publishes it (16.2)',
      body: ImprovementRequest,
      status: 201,
    },
    async (ctx, id, input) => withId(await requestImprovement(ctx, id, input)),
  );

  operation(
    r,
    {
      path: 'improvements/{improvement}/publication',
      summary: 'Art. 16.2: publish an improvement request',
      body: null,
      params: IdParam('improvement', 'the improvement request id'),
    },
    (ctx, id, _input, c) => publishImprovement(ctx, id, param(c, 'improvement')),
  );

  operation(
    r,
    {
      path: 'improvements/{improvement}/completion',
      summary: 'Art. 16.1: the improvement was made',
      body: ImprovementCompletionRequest,
      params: IdParam('improvement', 'the improvement request id'),
    },
    (ctx, id, input, c) => completeImprovement(ctx, id, param(c, 'improvement'), input),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/oversight/overdue',
      tags: [TAG],
      security,
      summary: 'Art. 15, 16: investigation and improvement requests past their due date, across all services',
      responses: { 200: jsonOk(OverdueList, 'overdue requests'), 401: problems[401] },
    }),
    async (c) => {
      const deps = c.get('deps');
      return c.json(await overdueRequests({ db: deps.database.db, clock: deps.clock, staffId: c.get('staff').id }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/certificates/outstanding',
      tags: [TAG],
      security,
      summary: 'Art. 10.8, 13.3: certificates not yet returned after a revocation, termination or lapse, oldest first, with their age in days',
      responses: { 200: jsonOk(z.object({ certificates: z.array(OutstandingCertificate) }), 'the outstanding certificates'), 401: problems[401] },
    }),
    async (c) => {
      const deps = c.get('deps');
      return c.json({ certificates: await outstandingCertificates(deps.database.db, deps.clock) }, 200);
    },
  );

  return r;
}

const OutstandingCertificate = z
  .object({
    serviceId: z.string(),
    number: z.string().nullable(),
    nameJa: z.string(),
    status: z.enum(['revoked', 'terminated', 'lapsed']),
    endedOn: z.string(),
    ageDays: z.number().int(),
  })
  .openapi('OutstandingCertificate');
