import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import { AppError } from '../errors';
import type { AppEnv } from './env';

/** Turns the first zod issue into the one error type, naming the field. */
export function validationError(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, where: string): AppError {
  const issue = error.issues[0];
  const field = issue ? issue.path.map(String).join('.') : undefined;
  const message = issue ? `${field ? `${field}: ` : ''}${issue.message}` : `invalid ${where}`;
  return new AppError('invalid', message, {
    field: field || where,
    extra: { issues: error.issues.slice(0, 10).map((i) => ({ field: i.path.map(String).join('.'), message: i.message })) },
  });
}

const defaultHook: Hook<any, AppEnv, any, any> = (result, _c) => {
  if (!result.success) throw validationError(result.error, (result as { target?: string }).target ?? 'request');
  return undefined;
};

/** Every sub-app is made here, so every route validates the same way and answers the same problem shape. */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook });
}
