/** Recorded in every report; kept in step with package.json by a test. */
export const SMSIM_VERSION = '0.1.0';
