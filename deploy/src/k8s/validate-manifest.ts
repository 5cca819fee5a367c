/**
 * Validates rendered manifests against the Kubernetes OpenAPI schemas, as compiled into the kubernetes-models
 * package (one validator per apiVersion/kind, generated from the upstream API definitions), and the
 * prometheus-operator CRD schemas from @kubernetes-models/prometheus-operator for ServiceMonitor.
 *
 * The upstream schemas allow unknown fields (the API server rejects them only under strict field validation),
 * so a misspelt field passes here: deploy/test/helm.test.ts type-checks the rendered objects against the same
 * package's TypeScript interfaces for that (excess property checks).
 */
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DeployCheckError } from '../errors.ts';

interface Model {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Model;

/** Every kind the chart may render; anything else is a defect of the chart (or of this table). */
export const MODELS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'batch/v1/Job': Job as unknown as ModelClass,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'v1/Secret': Secret as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as ModelClass,
};

export function validateManifest(doc: Record<string, unknown>, source = 'manifest'): void {
  const key = `${doc.apiVersion}/${doc.kind}`;
  const Model = MODELS[key];
  if (!Model)
    throw new DeployCheckError('INVALID_MANIFEST', `${source}: no Kubernetes schema known for ${key}`);
  try {
    new Model(structuredClone(doc)).validate();
  } catch (e) {
    throw new DeployCheckError(
      'INVALID_MANIFEST',
      `${source}: ${key} ${String((doc.metadata as { name?: string } | undefined)?.name)} fails its schema: ${(e as Error).message}`,
    );
  }
}
