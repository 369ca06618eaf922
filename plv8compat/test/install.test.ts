// Installation: the extension files say what they are, and `make install` never overwrites a real plv8.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('..', import.meta.url));
const control = readFileSync(join(dir, 'plv8.control'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'plv8compat-install-'));
const sharedir = execFileSync('pg_config', ['--sharedir'], { encoding: 'utf8' }).trim();
const extdir = join(tmp, sharedir, 'extension');

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function install() {
  return spawnSync('make', ['-C', dir, 'install', `DESTDIR=${tmp}`], { encoding: 'utf8' });
}

describe('extension files', () => {
  it('the control file names plv8 3.1.10, our library, and says it is not real plv8', () => {
    expect(control).toMatch(/^# pg_durable-plv8compat: /m);
    expect(control).toMatch(/default_version = '3\.1\.10'/);
    expect(control).toMatch(/module_pathname = '\$libdir\/plv8_compat'/);
    expect(control).toMatch(/trusted = true/);
    expect(control).toMatch(/not real plv8/);
  });
});

describe('make install', () => {
  it('refuses to overwrite a plv8.control that is not ours', () => {
    mkdirSync(extdir, { recursive: true });
    writeFileSync(join(extdir, 'plv8.control'), "comment = 'PL/JavaScript (v8) trusted procedural language'\ndefault_version = '3.2.3'\n");
    const r = install();
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Refusing to overwrite/);
    expect(readFileSync(join(extdir, 'plv8.control'), 'utf8')).toMatch(/3\.2\.3/);
  }, 120_000);

  it('reinstalls over its own files', () => {
    mkdirSync(extdir, { recursive: true });
    copyFileSync(join(dir, 'plv8.control'), join(extdir, 'plv8.control'));
    const r = install();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(extdir, 'plv8--3.1.10.sql'), 'utf8')).toMatch(/CREATE TRUSTED LANGUAGE plv8/);
  }, 120_000);
});
