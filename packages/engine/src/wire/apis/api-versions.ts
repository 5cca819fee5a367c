import { defineApi } from '../api.ts';
import { arr, f } from '../protocol/schema.ts';

/*
 * ApiVersions (key 18), versions 0-4, flexible 3+. The response header is v0 in every version.
 *
 * ApiVersionsRequest  => client_software_name(3+) client_software_version(3+)
 * ApiVersionsResponse => error_code [api_keys] throttle_time_ms(1+) <tagged 3+: 0 supported_features,
 *                        1 finalized_features_epoch, 2 finalized_features, 3 zk_migration_ready>
 *   api_keys => api_key:int16 min_version:int16 max_version:int16
 * A broker that does not know the requested version answers UNSUPPORTED_VERSION in the v0 layout.
 */
export interface ApiVersionsRequest {
  clientSoftwareName?: string;
  clientSoftwareVersion?: string;
}
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}
export interface FeatureRange {
  name: string;
  minVersion: number;
  maxVersion: number;
}
export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
  throttleTimeMs: number;
  supportedFeatures: FeatureRange[];
  finalizedFeaturesEpoch: bigint;
  finalizedFeatures: Array<{ name: string; maxVersionLevel: number; minVersionLevel: number }>;
  zkMigrationReady: boolean;
}

export const apiVersionsApi = defineApi<ApiVersionsRequest, ApiVersionsResponse>({
  key: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  responseHeaderV0: true,
  request: [f('clientSoftwareName', 'string', '3+'), f('clientSoftwareVersion', 'string', '3+')],
  response: [
    f('errorCode', 'int16', '0+'),
    arr(
      'apiKeys',
      [f('apiKey', 'int16', '0+'), f('minVersion', 'int16', '0+'), f('maxVersion', 'int16', '0+')],
      '0+',
    ),
    f('throttleTimeMs', 'int32', '1+'),
    arr(
      'supportedFeatures',
      [f('name', 'string', '3+'), f('minVersion', 'int16', '3+'), f('maxVersion', 'int16', '3+')],
      '3+',
      { tag: 0 },
    ),
    f('finalizedFeaturesEpoch', 'int64', '3+', { tag: 1, def: -1n }),
    arr(
      'finalizedFeatures',
      [f('name', 'string', '3+'), f('maxVersionLevel', 'int16', '3+'), f('minVersionLevel', 'int16', '3+')],
      '3+',
      { tag: 2 },
    ),
    f('zkMigrationReady', 'bool', '3+', { tag: 3 }),
  ],
});
