/** This process's environment without AWS settings or a LocalStack endpoint: a CLI child then uses the embedded KMS and nothing of the machine's AWS set-up. */
export const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'LOCALSTACK_ENDPOINT'));
