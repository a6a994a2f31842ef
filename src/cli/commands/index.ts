import type { Command } from '../command';
import { apply } from './apply';
import { auditLog } from './audit';
import { witnessAdd } from './witness-add';
import { certify } from './certify';
import { crawl } from './crawl';
import { crawlerKeyCreate, crawlerKeyList, crawlerKeyRevoke } from './crawler-key-create';
import { events } from './events';
import { extend } from './extend';
import { lapse } from './lapse';
import { migrate } from './migrate';
import { refuse } from './refuse';
import { renew } from './renew';
import { returnCertificate } from './return-certificate';
import { revoke } from './revoke';
import { casesDismiss, casesImprove, casesInvestigate, casesList, casesProposeRevocation, casesShow } from './cases';
import { inquiriesAnswer, inquiriesClose, inquiriesList, inquiriesShow } from './inquiries';
import {
  changesFile,
  changesList,
  emergenciesList,
  emergenciesProgress,
  emergenciesReport,
  improvementsComplete,
  improvementsList,
  improvementsPublish,
  improvementsRequest,
  investigationsAnswer,
  investigationsList,
  investigationsRequest,
  originsAdd,
  originsList,
  originsRemove,
} from './oversight';
import { revocationsApprove, revocationsList, revocationsReject, revocationsShow, revocationsWithdraw } from './revocations';
import { service } from './service';
import { serviceAdd } from './service-add';
import { services } from './services';
import { delegateAdd, staffTokenAssign, staffTokenIssue, staffTokenList, staffTokenRevoke, staffTokenUnassign } from './staff-token';
import { staffInvite } from './staff-invite';
import { vendorInvite } from './vendor-invite';
import { status } from './status';
import { terminate } from './terminate';
import { keyRotate, tokenIssue, tokenList, tokenRetire } from './token-issue';
import { vendorAdd } from './vendor-add';
import { vendors } from './vendors';
import { verifyChain } from './verify-chain';

/**
 * Every command of `certmark`, in the order `certmark help` lists them. A new command is a file in this folder
 * exporting a Command (src/cli/command.ts) and one line here.
 */
export const commands: readonly Command[] = [
  services,
  service,
  status,
  events,
  vendors,
  vendorAdd,
  serviceAdd,
  apply,
  certify,
  refuse,
  renew,
  extend,
  terminate,
  returnCertificate,
  lapse,
  revoke,
  revocationsList,
  revocationsShow,
  revocationsApprove,
  revocationsReject,
  revocationsWithdraw,
  originsList,
  originsAdd,
  originsRemove,
  changesList,
  changesFile,
  emergenciesList,
  emergenciesReport,
  emergenciesProgress,
  investigationsList,
  investigationsRequest,
  investigationsAnswer,
  improvementsList,
  improvementsRequest,
  improvementsPublish,
  improvementsComplete,
  casesList,
  casesShow,
  casesDismiss,
  casesInvestigate,
  casesImprove,
  casesProposeRevocation,
  inquiriesList,
  inquiriesShow,
  inquiriesAnswer,
  inquiriesClose,
  tokenIssue,
  tokenList,
  tokenRetire,
  keyRotate,
  staffTokenIssue,
  staffTokenList,
  staffTokenRevoke,
  staffTokenAssign,
  staffTokenUnassign,
  staffInvite,
  vendorInvite,
  delegateAdd,
  crawlerKeyCreate,
  crawlerKeyList,
  crawlerKeyRevoke,
  crawl,
  migrate,
  verifyChain,
  auditLog,
  witnessAdd,
];
