/** Files holding credentials: written whole through a 0600 temp file and a rename, never readable by others. */
import fs from 'node:fs';
import path from 'node:path';

export function writePrivateFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  // an umask or an existing temp file could leave other bits: set them explicitly
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}
