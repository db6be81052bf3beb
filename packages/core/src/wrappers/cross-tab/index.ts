export {
  shareAcrossTabs,
  type ShareAcrossTabsOptions,
  type SharedTransport,
  type TabChannel,
  type TabLocks,
} from './share-across-tabs.js';
