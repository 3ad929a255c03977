// Creates the test CA once (test/.ca) before Jest starts, so every test process and every emulator
// the tests start share one CA, which `npm test` hands to Node through NODE_EXTRA_CA_CERTS.
import { join } from 'node:path';
import { ensureTls } from '../../shared/emulator/src/tls';

ensureTls(join(__dirname, '..', '.ca'));
