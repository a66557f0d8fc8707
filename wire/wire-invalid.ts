import { SmsimError } from '../simulator/core/errors.js';

/** Every problem with a received message is BATCH_INVALID; `details.column` names where. */
export function invalid(message: string, details: Record<string, unknown>, cause?: unknown): SmsimError {
  return new SmsimError('SMSIM_ERR_BATCH_INVALID', message, {
    details,
    ...(cause === undefined ? {} : { cause }),
  });
}
