import { fileURLToPath } from 'node:url';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describePackageChecks } from '../../../scripts/package-checks.js';

describePackageChecks({
  pkgDir: fileURLToPath(new URL('..', import.meta.url)),
  client: false,
  tools: { publint, formatMessage, checkPackage, createPackageFromTarballData },
});
