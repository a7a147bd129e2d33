import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { Manifest } from './manifests.ts';

/**
 * Checks each manifest against the Kubernetes API schema (kubernetes-models' validators, generated
 * from the API's OpenAPI definitions); returns the problems, one per object and field.
 */
export function validateManifests(manifests: readonly Manifest[]): string[] {
  const problems: string[] = [];
  for (const manifest of manifests) {
    try {
      modelOf(manifest).validate();
    } catch (error) {
      problems.push(`${manifest.kind} ${manifest.metadata.name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

function modelOf(manifest: Manifest): { validate(): void } {
  switch (`${manifest.apiVersion}/${manifest.kind}`) {
    case 'v1/ConfigMap':
      return new ConfigMap(manifest as ConstructorParameters<typeof ConfigMap>[0]);
    case 'v1/PersistentVolumeClaim':
      return new PersistentVolumeClaim(manifest as ConstructorParameters<typeof PersistentVolumeClaim>[0]);
    case 'v1/Secret':
      return new Secret(manifest as ConstructorParameters<typeof Secret>[0]);
    case 'v1/Service':
      return new Service(manifest as ConstructorParameters<typeof Service>[0]);
    case 'batch/v1/Job':
      return new Job(manifest as ConstructorParameters<typeof Job>[0]);
    default:
      throw new Error(`bug: no schema for ${manifest.apiVersion} ${manifest.kind}`);
  }
}
