// Where the end-to-end suites leave what a person may want to look at
// (screenshots, server logs): CHATROOM_E2E_ARTIFACTS, which ctest sets to
// build/native/tests/e2e/artifacts, else that same folder of this checkout.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const fallback = resolve(dirname(fileURLToPath(import.meta.url)), '../../build/native/tests/e2e/artifacts');

/** The path of artifact `name`, its folder created. */
export function artifact(name) {
  const dir = process.env.CHATROOM_E2E_ARTIFACTS || fallback;
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
