// The command line and the verdict of a browser suite (tests/web/*_test.mjs):
// each check prints "ok" or "FAIL" with what it checked, and finish() exits 1
// if any failed, so one run reports every failed check, not only the first.

/** The value after `--name` on the command line, else `fallback`. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

let failures = 0;

/** Prints the check's outcome; returns `ok`. */
export function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) failures++;
  return ok;
}

/** Prints the verdict (`passed` when every check passed) and exits with it. */
export function finish(passed = 'all checks passed') {
  console.log(failures === 0 ? passed : `${failures} check(s) failed`);
  process.exit(failures === 0 ? 0 : 1);
}
