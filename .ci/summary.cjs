// Prints CI's one summary line "N passed, N failed" from vitest's JSON reports
// (.cache/vitest.json for npm test, .cache/vitest-pack.json for npm run
// test:pack, .cache/e2e.json for the browser suite) and the conformance output
// on standard input (its own "N passed, N failed" line). argv[2] is the
// shell's status so far.
const fs = require('fs');
let passed = 0;
let failed = 0;
for (const file of ['.cache/vitest.json', '.cache/vitest-pack.json', '.cache/e2e.json']) {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
  } catch {
    failed += 1; // the typecheck failed, or that vitest run did not happen
  }
}
const conf = fs.readFileSync(0, 'utf8');
const m = [...conf.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
if (m) {
  passed += Number(m[1]);
  failed += Number(m[2]);
} else failed += 1;
if (process.argv[2] !== '0' && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
