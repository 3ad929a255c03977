// How the emulator splits a command job's command line into words (as a POSIX shell would, without running one).
import { splitCommand } from '../../shared/emulator/src/jobs/runner';

test.each([
  ['node index.js --spec spec.json', ['node', 'index.js', '--spec', 'spec.json']],
  ['  python  "my script.py"   --x \'a b\' ', ['python', 'my script.py', '--x', 'a b']],
  ['echo "a \\"q\\" b" c\\ d \'\'', ['echo', 'a "q" b', 'c d', '']],
  ['node index.js --out ${{outputs.result}}', ['node', 'index.js', '--out', '${{outputs.result}}']],
])('%s', (command, words) => {
  expect(splitCommand(command)).toEqual(words);
});

test('an unclosed quote is the job\'s error', () => {
  expect(() => splitCommand('node "index.js')).toThrow(/unclosed " quote/);
});
