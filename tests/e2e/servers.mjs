// Real loopback servers for the live-check tests: certificates made by Debian's openssl, a TLS
// server, a port that refuses, a server that stalls, and a proxy that inspects TLS (it answers
// CONNECT, then presents a certificate for the requested name signed by a "corporate" CA, as an
// SSL-bumping proxy does).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';

function openssl(dir, args) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ca(dir, name, subject) {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${subject}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function leaf(dir, name, issuer, sans) {
  writeFileSync(`${dir}/${name}.ext`, `subjectAltName=${sans}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`,
    '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
  return { key: readFileSync(`${dir}/${name}.key`), cert: readFileSync(`${dir}/${name}.pem`) };
}

/** A test CA with a certificate for localhost, and a corporate CA that re-signs the internet. */
export function certificates() {
  const dir = mkdtempSync(`${tmpdir()}/portcheck-e2e-certs-`);
  ca(dir, 'test-ca', 'portcheck e2e test CA');
  ca(dir, 'corp-ca', 'Example Corp TLS Inspection CA');
  const local = leaf(dir, 'localhost', 'test-ca', 'DNS:localhost,IP:127.0.0.1');
  const bumped = leaf(dir, 'bumped', 'corp-ca', 'DNS:*.spectrocloud.com,DNS:*.s3.amazonaws.com,DNS:*.amazonaws.com');
  const bundle = `${dir}/trusted.pem`;
  writeFileSync(bundle, Buffer.concat([readFileSync(`${dir}/test-ca.pem`), readFileSync(`${dir}/corp-ca.pem`)]));
  return { local, bumped, bundle };
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function tlsServer({ key, cert }) {
  const server = await listen(tls.createServer({ key, cert, ALPNProtocols: ['h2', 'http/1.1'] }, (s) => s.on('error', () => {})));
  return { port: server.address().port, close: () => server.close() };
}

export async function refusedPort() {
  const server = await listen(net.createServer());
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return { port };
}

export async function stallingServer() {
  const held = [];
  const server = await listen(net.createServer((s) => { held.push(s); s.on('error', () => {}); }));
  return { port: server.address().port, close: () => { held.forEach((s) => s.destroy()); server.close(); } };
}

export async function inspectingProxy({ key, cert }) {
  const held = [];
  const server = await listen(net.createServer((socket) => {
    held.push(socket);
    socket.on('error', () => {});
    let head = '';
    const onData = (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!head.startsWith('CONNECT ')) return socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
      const bumped = new tls.TLSSocket(socket, { isServer: true, key, cert, ALPNProtocols: ['h2'] });
      bumped.on('error', () => {});
      held.push(bumped);
    };
    socket.on('data', onData);
  }));
  return { port: server.address().port, close: () => { held.forEach((s) => s.destroy()); server.close(); } };
}

/** Every server the live-check tests use, with the certificates. */
export async function startServers() {
  const certs = certificates();
  const servers = {
    certs,
    valid: await tlsServer(certs.local),
    refused: await refusedPort(),
    stalled: await stallingServer(),
    proxy: await inspectingProxy(certs.bumped),
  };
  servers.close = () => {
    servers.valid.close();
    servers.stalled.close();
    servers.proxy.close();
  };
  return servers;
}

/**
 * SaaS + vSphere with a PCG behind the inspecting proxy; the registry stalls, and vCenter is
 * `infraPort` (the refused port unless a test wants the valid server).
 */
export function liveAnswers(servers, infraPort = servers.refused.port) {
  return {
    schema: 1,
    deployment: 'multi-tenant-saas',
    'palette-version': '4.7.9',
    infrastructure: ['vsphere'],
    registry: 'own',
    proxy: { kind: 'connect', url: `http://127.0.0.1:${servers.proxy.port}`, 'no-proxy': ['localhost', '127.0.0.1'] },
    endpoints: {
      'infrastructure-api': `https://localhost:${infraPort}`,
      registries: [`localhost:${servers.stalled.port}`],
      'workload-nodes': ['10.20.0.0/16'],
      'pcg-nodes': ['10.20.5.0/28'],
    },
  };
}

/** `portcheck serve` options for these servers: their CAs, their ports, short timeouts. */
export function probeArgs(servers, timeout) {
  const ports = [servers.refused.port, servers.stalled.port, servers.proxy.port, servers.valid.port];
  return ['--ca', servers.certs.bundle, '--timeout', String(timeout), ...ports.flatMap((p) => ['--allow-port', String(p)])];
}
