import type { Migration } from 'kysely/migration';
import * as registry from './20261125_0001_registry';
import * as imageStorage from './20261126_0002_image_storage';
import * as idempotencyOwner from './20261201_0003_idempotency_owner';
import * as recordsOnChain from './20261202_0004_records_on_chain';
import * as staffScopes from './20261202_0005_staff_scopes';
import * as transparencyLog from './20261202_0006_transparency_log';
import * as notices from './20261202_0007_notices';
import * as staffAccounts from './20261203_0008_staff_accounts';
import * as backOffice from './20261203_0009_back_office';
import * as originProofs from './20261203_0010_origin_proofs';
import * as filingDocuments from './20261203_0011_filing_documents';
import * as vendorPortal from './20261204_0012_vendor_portal';
import * as vendorFilings from './20261204_0013_vendor_filings';
import * as integrationChecks from './20261204_0014_integration_checks';
import * as vendorPasskeys from './20261205_0015_vendor_passkeys';

/**
 * Every migration, listed by name so bundlers (the Workers build) include them.
 * test/db/migrations.test.ts checks that this list matches the folder. Append; never edit a frozen migration.
 */
export const migrations: Record<string, Migration> = {
  '20261125_0001_registry': registry,
  '20261126_0002_image_storage': imageStorage,
  '20261201_0003_idempotency_owner': idempotencyOwner,
  '20261202_0004_records_on_chain': recordsOnChain,
  '20261202_0005_staff_scopes': staffScopes,
  '20261202_0006_transparency_log': transparencyLog,
  '20261202_0007_notices': notices,
  '20261203_0008_staff_accounts': staffAccounts,
  '20261203_0009_back_office': backOffice,
  '20261203_0010_origin_proofs': originProofs,
  '20261203_0011_filing_documents': filingDocuments,
  '20261204_0012_vendor_portal': vendorPortal,
  '20261204_0013_vendor_filings': vendorFilings,
  '20261204_0014_integration_checks': integrationChecks,
  '20261205_0015_vendor_passkeys': vendorPasskeys,
};
