import { describe, expect, it } from 'vitest';
import { backendProblem } from '../../src-renderer/src/settings-check';

/**
 * Settings with a mistyped LocalStack endpoint sent it anyway: the bridge answered 400 (an error in
 * the browser console) and the page showed "settings:test-connection: backend.endpoint: expected a
 * URL like http://localhost:4566", with the field not marked. The page checks the form first.
 */
describe('the Settings form is checked before it is saved or tested', () => {
  it('names the endpoint that is not an http(s) URL', () => {
    expect(backendProblem({ kind: 'localstack', endpoint: 'not a url' })).toEqual({ field: 'endpoint', text: 'Endpoint: "not a url" is not a URL like http://localhost:4566.' });
    expect(backendProblem({ kind: 'localstack', endpoint: 'ftp://localhost:4566' })?.field).toBe('endpoint');
    expect(backendProblem({ kind: 'localstack', endpoint: 'http://localhost:4566' })).toBeUndefined();
    expect(backendProblem({ kind: 'localstack', endpoint: 'https://kms.example.com/' })).toBeUndefined();
  });

  it('names a region that is not an AWS region, and wants at least one', () => {
    expect(backendProblem({ kind: 'aws', regions: ['eu-west-1', 'mars-1'] })).toEqual({ field: 'regions', text: 'Regions: "mars-1" is not an AWS region like us-east-1.' });
    expect(backendProblem({ kind: 'aws', regions: [] })?.field).toBe('regions');
    expect(backendProblem({ kind: 'aws', regions: ['eu-west-1', 'us-gov-west-1'] })).toBeUndefined();
  });

  it('has nothing to check for the embedded KMS', () => {
    expect(backendProblem({ kind: 'embedded' })).toBeUndefined();
  });
});
