export { aclsToSync, type TopicAcl } from './acl-rules.ts';
export { type AclSyncResult, TopicAclSync } from './acl-sync.ts';
